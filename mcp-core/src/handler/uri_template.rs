//! RFC 6570 URI templates (levels 1 to 3): validation at start-up, and matching a concrete
//! URI back to variable values when a resource is read.

use mcp_grammar::{Op, Part};
use percent_encoding::percent_decode_str;

/// A parsed URI template.
#[derive(Debug)]
pub(crate) struct UriTemplate {
    parts: Vec<Part>,
}

/// Longest URI we try to match against templates.
const MAX_URI: usize = 8 * 1024;

/// Most work one match may do, in bytes of URI read back into variables: adjacent
/// expressions make matching a search, and no URI may make it a long one. Past the budget
/// the URI does not match.
const MATCH_BUDGET: usize = 1 << 20;

impl UriTemplate {
    /// Parses `template`, or says what is wrong with it (the grammar `mcp-macros` checks at
    /// compile time).
    pub(crate) fn parse(template: &str) -> Result<UriTemplate, String> {
        mcp_grammar::parse_template(template).map(|parts| UriTemplate { parts })
    }

    /// The variable names, in order.
    pub(crate) fn variables(&self) -> impl Iterator<Item = &str> {
        mcp_grammar::variables(&self.parts)
    }

    /// The variable values if `uri` is an expansion of this template (percent-decoded).
    pub(crate) fn matches(&self, uri: &str) -> Option<Vec<(String, String)>> {
        if uri.len() > MAX_URI {
            return None;
        }
        let mut matcher = Matcher {
            uri,
            failed: std::collections::HashSet::new(),
            budget: MATCH_BUDGET,
        };
        let mut out = Vec::new();
        matcher.parts(&self.parts, 0, &mut out).then_some(out)
    }
}

/// A search for the expansion of a template's parts in a URI, remembering the (part,
/// position) states that cannot match (a capture does not depend on earlier ones, since
/// variable names are unique), within a budget of captures.
struct Matcher<'u> {
    uri: &'u str,
    failed: std::collections::HashSet<(usize, usize)>,
    budget: usize,
}

impl Matcher<'_> {
    fn parts(&mut self, parts: &[Part], at: usize, out: &mut Vec<(String, String)>) -> bool {
        let Some((first, rest)) = parts.split_first() else {
            return at == self.uri.len();
        };
        let key = (parts.len(), at);
        if self.failed.contains(&key) {
            return false;
        }
        let s = &self.uri[at..];
        let found = match first {
            Part::Literal(lit) => {
                s.starts_with(lit.as_str()) && self.parts(rest, at + lit.len(), out)
            }
            Part::Expr { op, vars } => self.expr(*op, vars, rest, at, out),
        };
        if !found {
            self.failed.insert(key);
        }
        found
    }

    /// Longest candidate first; backtrack when the rest does not match.
    fn expr(
        &mut self,
        op: Op,
        vars: &[String],
        rest: &[Part],
        at: usize,
        out: &mut Vec<(String, String)>,
    ) -> bool {
        let s = &self.uri[at..];
        let ends = std::iter::once(s.len()).chain(s.char_indices().rev().map(|(i, _)| i));
        for end in ends {
            // Each try reads `end` bytes back into variables.
            let Some(left) = self.budget.checked_sub(end + 1) else {
                return false;
            };
            self.budget = left;
            let mark = out.len();
            if capture(op, vars, &s[..end], out) && self.parts(rest, at + end, out) {
                return true;
            }
            out.truncate(mark);
        }
        false
    }
}

fn decode(s: &str) -> String {
    percent_decode_str(s).decode_utf8_lossy().into_owned()
}

/// Reads one expression's expansion `seg` back into variable values.
fn capture(op: Op, vars: &[String], seg: &str, out: &mut Vec<(String, String)>) -> bool {
    if seg.is_empty() {
        return true;
    }
    let (prefix, sep) = match op {
        Op::Simple | Op::Reserved => ("", ','),
        Op::Fragment => ("#", ','),
        Op::Label => (".", '.'),
        Op::Path => ("/", '/'),
        Op::PathParam => (";", ';'),
        Op::Query => ("?", '&'),
        Op::QueryCont => ("&", '&'),
    };
    let Some(body) = seg.strip_prefix(prefix) else {
        return false;
    };
    if op == Op::Simple && body.contains(['/', '?', '#']) {
        return false;
    }
    if matches!(op, Op::Label | Op::Path) && body.contains(['?', '#']) {
        return false;
    }
    let values: Vec<&str> = body.split(sep).collect();
    match op {
        Op::PathParam | Op::Query | Op::QueryCont => {
            let mark = out.len();
            for pair in values {
                let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
                if !vars.iter().any(|v| v == name) || out[mark..].iter().any(|(n, _)| n == name) {
                    return false;
                }
                out.push((name.to_string(), decode(value)));
            }
            true
        }
        _ => {
            if values.len() > vars.len() {
                return false;
            }
            for (name, value) in vars.iter().zip(values) {
                out.push((name.clone(), decode(value)));
            }
            true
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(t: &str, uri: &str) -> Option<Vec<(String, String)>> {
        UriTemplate::parse(t).unwrap().matches(uri)
    }

    fn pairs(p: &[(&str, &str)]) -> Option<Vec<(String, String)>> {
        Some(
            p.iter()
                .map(|(a, b)| (a.to_string(), b.to_string()))
                .collect(),
        )
    }

    #[test]
    fn level_one() {
        assert_eq!(
            m("users://{id}/profile", "users://42/profile"),
            pairs(&[("id", "42")])
        );
        assert_eq!(
            m("users://{id}/profile", "users://a%20b/profile"),
            pairs(&[("id", "a b")])
        );
        assert_eq!(m("users://{id}/profile", "users://4/2/profile"), None);
        assert_eq!(m("users://{id}/profile", "users://42/other"), None);
        assert_eq!(
            m("a://{x}-{y}", "a://1-2"),
            pairs(&[("x", "1"), ("y", "2")])
        );
    }

    #[test]
    fn levels_two_and_three() {
        assert_eq!(
            m("file:///{+path}", "file:///a/b/c.txt"),
            pairs(&[("path", "a/b/c.txt")])
        );
        assert_eq!(
            m("s://x{/a,b}", "s://x/1/2"),
            pairs(&[("a", "1"), ("b", "2")])
        );
        assert_eq!(
            m("s://x{?q,n}", "s://x?q=hi&n=3"),
            pairs(&[("q", "hi"), ("n", "3")])
        );
        assert_eq!(m("s://x{?q,n}", "s://x?n=3"), pairs(&[("n", "3")]));
        assert_eq!(m("s://x{?q}", "s://x?z=3"), None);
    }

    #[test]
    fn adjacent_expressions_cannot_make_matching_slow() {
        let t = UriTemplate::parse("x://{a}{b}{c}{d}{e}{f}{g}{h}{i}{j}!").unwrap();
        let uri = format!("x://{}", "a".repeat(4000));
        let started = std::time::Instant::now();
        assert_eq!(t.matches(&uri), None);
        assert!(started.elapsed() < std::time::Duration::from_secs(2));
        // The fuzzer's find, kept as a regression case.
        let t = UriTemplate::parse("x://{%asss,b}{;c}{bb}{sqssss,a}{;cc}{#d}x");
        if let Ok(t) = t {
            let started = std::time::Instant::now();
            let _ = t.matches(&format!("x://{}", "a,".repeat(3000)));
            assert!(started.elapsed() < std::time::Duration::from_secs(2));
        }
        // Ordinary templates still match.
        assert_eq!(
            m("a://{x}-{y}{z}", "a://1-23"),
            pairs(&[("x", "1"), ("y", "23")])
        );
    }

    #[test]
    fn invalid_templates() {
        for bad in [
            "a://{",
            "a://}",
            "a://{}",
            "a://{x*}",
            "a://{x:3}",
            "a://{=x}",
            "a://{a b}",
            "a:// {x}",
            "a://{x}/{x}",
        ] {
            assert!(UriTemplate::parse(bad).is_err(), "{bad} should be rejected");
        }
    }
}
