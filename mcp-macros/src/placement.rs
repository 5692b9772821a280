//! Where the annotated function stands. An attribute macro sees only the function, so a
//! function inside an `impl` block is recognised from its source file: proc-macro spans know
//! their file and line. If the file can't be read (generated code, an IDE's in-memory buffer),
//! nothing is reported here and the compiler's own errors follow.

use std::path::Path;

use proc_macro2::Ident;

/// Whether the function named `ident` is an associated function inside an `impl` block.
pub(crate) fn in_impl_block(ident: &Ident) -> bool {
    if !proc_macro::is_available() {
        return false;
    }
    let span = ident.span().unwrap();
    let Some(path) = span.local_file() else {
        return false;
    };
    let line = span.line();
    let name = ident.to_string();
    read(&path).is_some_and(|text| {
        // The span may map into a file that is not this source (doctests, generated code):
        // only a file that has this function on this line is scanned.
        let here = text.lines().nth(line.saturating_sub(1)).unwrap_or_default();
        defines_fn(here, &name) && innermost_block_is_impl(&text, line)
    })
}

/// Whether `line` holds `fn name` (as a whole word).
fn defines_fn(line: &str, name: &str) -> bool {
    line.match_indices(name).any(|(at, _)| {
        let before = line[..at].trim_end();
        let after = line[at + name.len()..].chars().next();
        before.ends_with("fn")
            && before[..before.len() - 2]
                .chars()
                .next_back()
                .is_none_or(|c| !c.is_alphanumeric() && c != '_')
            && after.is_none_or(|c| !c.is_alphanumeric() && c != '_')
    })
}

fn read(path: &Path) -> Option<String> {
    std::fs::read_to_string(path).ok()
}

/// Whether the innermost `{` block open at the start of `line` (1-based) was opened by an
/// `impl` header. Comments, strings and char literals are blanked first.
fn innermost_block_is_impl(text: &str, line: usize) -> bool {
    let end: usize = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum();
    let code = blank_literals(&text[..end]);
    let mut blocks = Vec::new();
    let mut start = 0;
    for (i, c) in code.char_indices() {
        match c {
            '{' => blocks.push(is_impl_header(&code[start..i])),
            '}' => {
                blocks.pop();
            }
            ';' => {}
            _ => continue,
        }
        start = i + 1;
    }
    blocks.last() == Some(&true)
}

/// `text` with each comment, string and char literal replaced by one space.
fn blank_literals(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    let mut prev = ' ';
    while let Some(c) = rest.chars().next() {
        let len = if prev.is_alphanumeric() || prev == '_' {
            0 // inside an identifier: `r"` there is not a raw string
        } else {
            literal_len(rest)
        };
        let (taken, shown) = if len > 0 {
            (len, ' ')
        } else {
            (c.len_utf8(), c)
        };
        out.push(shown);
        prev = shown;
        rest = &rest[taken..];
    }
    out
}

/// The length of the comment or literal that `s` starts with, or 0.
fn literal_len(s: &str) -> usize {
    if s.starts_with("//") {
        return s.find('\n').unwrap_or(s.len());
    }
    if s.starts_with("/*") {
        let mut depth = 0;
        let mut i = 0;
        while i < s.len() {
            if s[i..].starts_with("/*") {
                depth += 1;
                i += 2;
            } else if s[i..].starts_with("*/") {
                depth -= 1;
                i += 2;
                if depth == 0 {
                    return i;
                }
            } else {
                i += s[i..].chars().next().map_or(1, char::len_utf8);
            }
        }
        return s.len();
    }
    let raw = s.strip_prefix("br").or_else(|| s.strip_prefix('r'));
    if let Some(after) = raw {
        let hashes = after.len() - after.trim_start_matches('#').len();
        if after[hashes..].starts_with('"') {
            let close = format!("\"{}", "#".repeat(hashes));
            let body = s.len() - after.len() + hashes + 1;
            return s[body..]
                .find(&close)
                .map_or(s.len(), |i| body + i + close.len());
        }
        return 0;
    }
    let quoted = s.strip_prefix("b\"").or_else(|| s.strip_prefix('"'));
    if let Some(body) = quoted {
        let mut escaped = false;
        for (i, c) in body.char_indices() {
            match c {
                '\\' if !escaped => escaped = true,
                '"' if !escaped => return s.len() - body.len() + i + 1,
                _ => escaped = false,
            }
        }
        return s.len();
    }
    if let Some(body) = s.strip_prefix('\'') {
        // A char literal ('a', '\n', '\u{1F600}'), not a lifetime ('a).
        let mut chars = body.char_indices();
        let end = match chars.next() {
            Some((_, '\\')) => body.get(2..).and_then(|b| b.find('\'')).map(|i| i + 2),
            Some((_, _)) => chars.next().filter(|&(_, c)| c == '\'').map(|(i, _)| i),
            None => None,
        };
        return end.map_or(0, |i| i + 2);
    }
    0
}

/// `impl ..`, `unsafe impl ..`, `default impl ..`, after any `#[..]` attributes.
fn is_impl_header(header: &str) -> bool {
    let mut rest = header.trim_start();
    while let Some(after) = rest.strip_prefix("#[").or_else(|| rest.strip_prefix("#![")) {
        let mut depth = 1;
        let end = after
            .char_indices()
            .find(|&(_, c)| {
                match c {
                    '[' => depth += 1,
                    ']' => depth -= 1,
                    _ => {}
                }
                depth == 0
            })
            .map_or(after.len(), |(i, _)| i + 1);
        rest = after[end..].trim_start();
    }
    let mut words = rest.split_whitespace().peekable();
    while words
        .peek()
        .is_some_and(|w| *w == "unsafe" || *w == "default")
    {
        words.next();
    }
    words
        .next()
        .is_some_and(|w| w == "impl" || w.starts_with("impl<"))
}

#[cfg(test)]
mod tests {
    use super::innermost_block_is_impl;

    #[test]
    fn finds_functions_inside_impl_blocks() {
        let src = "use x;\n\
                   /// doc { with a brace\n\
                   struct Calc;\n\
                   #[cfg(all())]\n\
                   impl<T> Calc<T> where T: Copy {\n\
                       const S: &str = \"}\";\n\
                       #[tool]\n\
                       fn add(a: i64) -> i64 { a }\n\
                   }\n\
                   mod m {\n\
                       fn lt<'a>(x: &'a str) -> char { let _ = (r#\"}\"#, '\\'', /* { */ b\"{\"); '}' }\n\
                       #[tool]\n\
                       fn free() {}\n\
                   }\n";
        assert!(innermost_block_is_impl(src, 8));
        assert!(super::defines_fn("    fn add(a: i64) -> i64 { a }", "add"));
        assert!(super::defines_fn("pub(crate) async fn add<'a>()", "add"));
        assert!(!super::defines_fn("    fn adder()", "add"));
        assert!(!super::defines_fn("    let add = 1;", "add"));
        assert!(!super::defines_fn("    coolfn add()", "add"));
        assert!(!innermost_block_is_impl(src, 13));
        assert!(!innermost_block_is_impl(src, 3));
    }
}
