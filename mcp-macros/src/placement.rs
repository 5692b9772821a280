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
    read(&path).is_some_and(|text| innermost_block_is_impl(&text, line))
}

fn read(path: &Path) -> Option<String> {
    std::fs::read_to_string(path).ok()
}

/// Scans `text` up to the start of `line` (1-based), tracking the open `{` blocks and whether
/// each was opened by an `impl` header; comments, strings and char literals are skipped.
fn innermost_block_is_impl(text: &str, line: usize) -> bool {
    let mut blocks: Vec<bool> = Vec::new();
    let mut header = String::new();
    let mut current = 1;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\n' => {
                current += 1;
                if current >= line {
                    break;
                }
                header.push(' ');
            }
            '/' if chars.peek() == Some(&'/') => {
                for c in chars.by_ref() {
                    if c == '\n' {
                        current += 1;
                        break;
                    }
                }
                if current >= line {
                    break;
                }
            }
            '/' if chars.peek() == Some(&'*') => {
                chars.next();
                let mut depth = 1;
                let mut prev = ' ';
                while let Some(c) = chars.next() {
                    match (prev, c) {
                        ('*', '/') => {
                            depth -= 1;
                            if depth == 0 {
                                break;
                            }
                            prev = ' ';
                            continue;
                        }
                        ('/', '*') => {
                            depth += 1;
                            prev = ' ';
                            continue;
                        }
                        (_, '\n') => current += 1,
                        _ => {}
                    }
                    prev = c;
                }
            }
            '"' => {
                while let Some(c) = chars.next() {
                    match c {
                        '\\' => {
                            if chars.next() == Some('\n') {
                                current += 1;
                            }
                        }
                        '"' => break,
                        '\n' => current += 1,
                        _ => {}
                    }
                }
            }
            'r' if header.ends_with(|c: char| !c.is_alphanumeric() && c != '_')
                || header.is_empty() =>
            {
                // r"..." or r#"..."#: a raw string; otherwise an identifier starting with `r`.
                let mut hashes = 0;
                while chars.peek() == Some(&'#') {
                    chars.next();
                    hashes += 1;
                }
                if chars.peek() == Some(&'"') {
                    chars.next();
                    let closing: String = std::iter::once('"')
                        .chain(std::iter::repeat_n('#', hashes))
                        .collect();
                    let mut seen = String::new();
                    for c in chars.by_ref() {
                        if c == '\n' {
                            current += 1;
                        }
                        seen.push(c);
                        if seen.ends_with(&closing) {
                            break;
                        }
                    }
                } else {
                    header.push('r');
                }
            }
            '\'' => {
                // A char literal ('a', '\n', '\u{..}') or a lifetime ('a).
                let mut look = chars.clone();
                let first = look.next();
                let is_char = match first {
                    Some('\\') => true,
                    Some(_) => look.next() == Some('\''),
                    None => false,
                };
                if is_char {
                    let mut escaped = false;
                    for c in chars.by_ref() {
                        match c {
                            '\\' if !escaped => escaped = true,
                            '\'' if !escaped => break,
                            _ => escaped = false,
                        }
                    }
                } else {
                    header.push('\'');
                }
            }
            '{' => {
                blocks.push(is_impl_header(&header));
                header.clear();
            }
            '}' => {
                blocks.pop();
                header.clear();
            }
            ';' => header.clear(),
            c => header.push(c),
        }
    }
    blocks.last() == Some(&true)
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
                       fn lt<'a>(x: &'a str) -> char { let _ = r#\"}\"#; '}' }\n\
                       #[tool]\n\
                       fn free() {}\n\
                   }\n";
        assert!(innermost_block_is_impl(src, 8));
        assert!(!innermost_block_is_impl(src, 13));
        assert!(!innermost_block_is_impl(src, 3));
    }
}
