//! Just enough RFC 6570 to find the variable names of a URI template at compile time.
//! The runtime (`mcp_core`) validates and matches templates fully.

/// The variable names of `template`, in order, or a description of the first problem.
pub(crate) fn variables(template: &str) -> Result<Vec<String>, String> {
    let mut vars = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find(['{', '}']) {
        if rest.as_bytes()[open] == b'}' {
            return Err("unmatched `}`".into());
        }
        let after = &rest[open + 1..];
        let close = after
            .find('}')
            .ok_or_else(|| "unclosed `{` in URI template".to_string())?;
        let mut expr = &after[..close];
        if expr.contains('{') {
            return Err("nested `{` in URI template".into());
        }
        if let Some(stripped) = expr.strip_prefix(['+', '#', '.', '/', ';', '?', '&']) {
            expr = stripped;
        }
        if expr.is_empty() {
            return Err("empty expression `{}` in URI template".into());
        }
        for spec in expr.split(',') {
            let name = spec.trim_end_matches('*');
            let name = name.split(':').next().unwrap_or_default();
            if name.is_empty()
                || !name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.')
            {
                return Err(format!("invalid variable name `{spec}` in URI template"));
            }
            vars.push(name.to_string());
        }
        rest = &after[close + 1..];
    }
    Ok(vars)
}
