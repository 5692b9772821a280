//! The naming rules that `mcp-macros` checks at compile time and `mcp-core` checks when a
//! server is built, written once so that the two never disagree: tool names, and RFC 6570
//! URI templates of levels 1 to 3.
//!
//! Do not depend on this crate directly: it is an implementation detail of `mcp-core`.

/// Checks a tool name: 1 to 128 ASCII letters, digits, `_`, `-` and `.`.
pub fn check_tool_name(name: &str) -> Result<(), &'static str> {
    if name.is_empty() || name.len() > 128 {
        return Err("tool names must be 1 to 128 characters long");
    }
    if !name
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'))
    {
        return Err("tool names may contain only ASCII letters, digits, `_`, `-` and `.`");
    }
    Ok(())
}

/// An RFC 6570 expression operator (levels 1 to 3).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    /// `{var}`
    Simple,
    /// `{+var}`
    Reserved,
    /// `{#var}`
    Fragment,
    /// `{.var}`
    Label,
    /// `{/var}`
    Path,
    /// `{;var}`
    PathParam,
    /// `{?var}`
    Query,
    /// `{&var}`
    QueryCont,
}

/// One piece of a template.
#[derive(Debug, PartialEq, Eq)]
pub enum Part {
    /// Text matched as is.
    Literal(String),
    /// `{op var, var, ...}`.
    Expr {
        /// The operator.
        op: Op,
        /// The variable names, in order.
        vars: Vec<String>,
    },
}

/// Parses `template` into its parts, or says what is wrong with it: unbalanced braces, an
/// empty or reserved expression, a level-4 modifier (`*`, `:n`), an invalid variable name, a
/// variable used twice, or a literal with characters not allowed in a URI.
pub fn parse_template(template: &str) -> Result<Vec<Part>, String> {
    let mut parts = Vec::new();
    let mut rest = template;
    while !rest.is_empty() {
        match rest.find(['{', '}']) {
            None => {
                parts.push(Part::Literal(rest.to_string()));
                break;
            }
            Some(i) if rest.as_bytes()[i] == b'}' => {
                return Err(format!(
                    "unmatched `}}` at byte {}",
                    template.len() - rest.len() + i
                ))
            }
            Some(i) => {
                if i > 0 {
                    parts.push(Part::Literal(rest[..i].to_string()));
                }
                let after = &rest[i + 1..];
                let close = after.find('}').ok_or("unclosed `{`")?;
                if after[..close].contains('{') {
                    return Err("nested `{`".into());
                }
                parts.push(parse_expr(&after[..close])?);
                rest = &after[close + 1..];
            }
        }
    }
    for p in &parts {
        if let Part::Literal(l) = p {
            if l.chars()
                .any(|c| c.is_whitespace() || c.is_control() || c == '"' || c == '<' || c == '>')
            {
                return Err(format!(
                    "literal `{l}` contains characters not allowed in a URI"
                ));
            }
        }
    }
    let mut seen = std::collections::HashSet::new();
    for var in variables(&parts) {
        if !seen.insert(var) {
            return Err(format!("variable `{var}` appears more than once"));
        }
    }
    Ok(parts)
}

/// The variable names of parsed parts, in order.
pub fn variables(parts: &[Part]) -> impl Iterator<Item = &str> {
    parts
        .iter()
        .flat_map(|p| match p {
            Part::Expr { vars, .. } => vars.as_slice(),
            Part::Literal(_) => &[],
        })
        .map(String::as_str)
}

fn parse_expr(expr: &str) -> Result<Part, String> {
    let (op, list) = match expr.chars().next() {
        Some('+') => (Op::Reserved, &expr[1..]),
        Some('#') => (Op::Fragment, &expr[1..]),
        Some('.') => (Op::Label, &expr[1..]),
        Some('/') => (Op::Path, &expr[1..]),
        Some(';') => (Op::PathParam, &expr[1..]),
        Some('?') => (Op::Query, &expr[1..]),
        Some('&') => (Op::QueryCont, &expr[1..]),
        Some(c @ ('=' | ',' | '!' | '@' | '|')) => {
            return Err(format!("operator `{c}` is reserved by RFC 6570"))
        }
        Some(_) => (Op::Simple, expr),
        None => return Err("empty expression `{}`".into()),
    };
    let mut vars = Vec::new();
    for spec in list.split(',') {
        if spec.ends_with('*') || spec.contains(':') {
            return Err(format!(
                "variable `{spec}` uses a level-4 modifier (`*` or `:n`), which is not supported"
            ));
        }
        let valid = !spec.is_empty()
            && spec.split('.').all(|seg| !seg.is_empty())
            && spec
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.' || c == '%');
        if !valid {
            return Err(format!("invalid variable name `{spec}`"));
        }
        vars.push(spec.to_string());
    }
    Ok(Part::Expr { op, vars })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tool_names() {
        assert!(check_tool_name("get_weather.v2-beta").is_ok());
        assert!(check_tool_name("").is_err());
        assert!(check_tool_name(&"x".repeat(129)).is_err());
        assert!(check_tool_name("has space").is_err());
        assert!(check_tool_name("émoji").is_err());
    }

    #[test]
    fn templates() {
        let parts = parse_template("users://{id}/profile{?tab,lang}").unwrap();
        assert_eq!(variables(&parts).collect::<Vec<_>>(), ["id", "tab", "lang"]);
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
            "a://{x,x}",
            "a://{{x}}",
        ] {
            assert!(parse_template(bad).is_err(), "{bad} should be rejected");
        }
    }
}
