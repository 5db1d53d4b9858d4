//! Cutting one logical line into keyword, flags and arguments, with the
//! per-instruction argument rules of BuildKit's line parsers.

use std::ops::Range;

use super::json::{parse_json_args, JsonArgs};
use super::logical::LogicalLine;
use super::words::{is_ascii_space, is_separator, parse_words, split_whitespace, trim_space};
use super::{Arg, Args, Flag, Instruction, KeyValue, Keyword, Span, SyntaxErrorKind};

/// An error and the logical offset it belongs to.
pub(crate) type LineError = (SyntaxErrorKind, usize);

/// Where an instruction sits in the file; the parser knows, the line does not.
pub(crate) struct Placement {
    pub span: Span,
    pub start_line: usize,
    pub end_line: usize,
}

/// Parses the instruction held by `line` (BuildKit's `newNodeFromLine`).
pub(crate) fn parse_instruction<'s>(
    line: LogicalLine<'s>,
    escape: char,
    placement: Placement,
) -> Result<Instruction<'s>, LineError> {
    let text = line.as_str();
    let whole = 0..text.len();
    let parts = cut(&line, escape, whole, 0)?;
    Ok(parts.into_instruction(line, placement))
}

/// Keyword, flags and arguments of one (possibly nested) instruction.
struct Parts<'s> {
    keyword: Keyword,
    keyword_range: Range<usize>,
    flags: Vec<Flag<'s>>,
    args_range: Range<usize>,
    args: Args<'s>,
}

impl<'s> Parts<'s> {
    fn into_instruction(self, line: LogicalLine<'s>, placement: Placement) -> Instruction<'s> {
        Instruction {
            keyword: self.keyword,
            keyword_span: line.span(self.keyword_range),
            span: placement.span,
            start_line: placement.start_line,
            end_line: placement.end_line,
            flags: self.flags,
            args_span: line.span(self.args_range.clone()),
            args_logical: self.args_range,
            args: self.args,
            heredocs: Vec::new(),
            line,
        }
    }
}

/// BuildKit's `splitCommand` plus the dispatch to a line parser.
fn cut<'s>(
    line: &LogicalLine<'s>,
    escape: char,
    range: Range<usize>,
    depth: usize,
) -> Result<Parts<'s>, LineError> {
    let text = line.as_str();
    let bytes = text.as_bytes();
    let trimmed = trim_space(text, range);
    let keyword_end = (trimmed.start..trimmed.end)
        .find(|&i| is_separator(bytes[i]))
        .unwrap_or(trimmed.end);
    let keyword_range = trimmed.start..keyword_end;
    let keyword = Keyword::from_word(&text[keyword_range.clone()]);
    let (flags, args_range) = if keyword_end < trimmed.end {
        let mut rest = keyword_end;
        while rest < trimmed.end && is_separator(bytes[rest]) {
            rest += 1;
        }
        let (flags, args_start) = extract_flags(line, rest..trimmed.end);
        (flags, trim_space(text, args_start..trimmed.end))
    } else {
        (Vec::new(), trimmed.end..trimmed.end)
    };
    let args = dispatch(line, escape, keyword, args_range.clone(), depth)?;
    Ok(Parts {
        keyword,
        keyword_range,
        flags,
        args_range,
        args,
    })
}

/// BuildKit's `extractBuilderFlags`: leading `--words`, then where the
/// arguments start. Quotes group and are dropped; `\` escapes the next byte.
fn extract_flags<'s>(line: &LogicalLine<'s>, range: Range<usize>) -> (Vec<Flag<'s>>, usize) {
    let bytes = line.as_str().as_bytes();
    let mut flags = Vec::new();
    let mut i = range.start;
    loop {
        while i < range.end && is_ascii_space(bytes[i]) {
            i += 1;
        }
        if i >= range.end {
            return (flags, range.end);
        }
        if !(bytes[i] == b'-' && i + 1 < range.end && bytes[i + 1] == b'-') {
            return (flags, i);
        }
        let start = i;
        let mut word: Vec<u8> = Vec::new();
        let mut quote: Option<u8> = None;
        let mut plain = true;
        while i < range.end {
            let b = bytes[i];
            match quote {
                None if is_ascii_space(b) => break,
                None if b == b'\'' || b == b'"' => {
                    quote = Some(b);
                    plain = false;
                    i += 1;
                }
                Some(q) if b == q => {
                    quote = None;
                    i += 1;
                }
                _ if b == b'\\' => {
                    plain = false;
                    if i + 1 < range.end {
                        word.push(bytes[i + 1]);
                        i += 2;
                    } else {
                        i += 1;
                        quote = None;
                    }
                }
                _ => {
                    word.push(b);
                    i += 1;
                }
            }
        }
        if word == b"--" && i < range.end {
            return (flags, i);
        }
        if word != b"--" {
            let span = line.span(start..i);
            let text = if plain {
                line.slice(start..i)
            } else {
                String::from_utf8(word)
                    .expect("only ASCII bytes are removed")
                    .into()
            };
            flags.push(Flag { span, text });
        }
    }
}

fn arg<'s>(line: &LogicalLine<'s>, range: Range<usize>) -> Arg<'s> {
    Arg {
        span: line.span(range.clone()),
        value: line.slice(range),
    }
}

fn dispatch<'s>(
    line: &LogicalLine<'s>,
    escape: char,
    keyword: Keyword,
    rest: Range<usize>,
    depth: usize,
) -> Result<Args<'s>, LineError> {
    match keyword {
        Keyword::Add | Keyword::Copy | Keyword::Volume => json_or_words(line, rest),
        Keyword::Arg => Ok(name_or_name_value(line, escape, rest)),
        Keyword::Cmd | Keyword::Entrypoint | Keyword::Run | Keyword::Shell => {
            json_or_text(line, rest)
        }
        Keyword::Env => name_value(line, escape, rest, "ENV"),
        Keyword::Label => name_value(line, escape, rest, "LABEL"),
        Keyword::Expose | Keyword::From => Ok(words(line, rest)),
        Keyword::Healthcheck => health(line, rest),
        Keyword::Maintainer | Keyword::Stopsignal | Keyword::User | Keyword::Workdir => {
            Ok(text_arg(line, rest))
        }
        Keyword::Onbuild => {
            if rest.is_empty() {
                Ok(Args::None)
            } else if depth > 0 {
                // ONBUILD ONBUILD is rejected by BuildKit when the build runs;
                // reading one level keeps the parser free of deep recursion.
                Ok(text_arg(line, rest))
            } else {
                let parts = cut(line, escape, rest, depth + 1)?;
                let inner = Instruction {
                    keyword: parts.keyword,
                    keyword_span: line.span(parts.keyword_range.clone()),
                    span: line.span(
                        parts.keyword_range.start
                            ..parts.args_range.end.max(parts.keyword_range.end),
                    ),
                    start_line: 0,
                    end_line: 0,
                    flags: parts.flags,
                    args_span: line.span(parts.args_range.clone()),
                    args_logical: parts.args_range,
                    args: parts.args,
                    heredocs: Vec::new(),
                    line: line.clone(),
                };
                Ok(Args::Sub(Box::new(inner)))
            }
        }
        Keyword::Other => Ok(Args::Ignored),
    }
}

fn text_arg<'s>(line: &LogicalLine<'s>, rest: Range<usize>) -> Args<'s> {
    if rest.is_empty() {
        Args::None
    } else {
        Args::Text(arg(line, rest))
    }
}

fn words<'s>(line: &LogicalLine<'s>, rest: Range<usize>) -> Args<'s> {
    if rest.is_empty() {
        return Args::None;
    }
    let text = line.as_str();
    Args::Words(
        split_whitespace(text, rest)
            .into_iter()
            .map(|r| arg(line, r))
            .collect(),
    )
}

fn exec<'s>(line: &LogicalLine<'s>, items: Vec<(Range<usize>, String)>) -> Args<'s> {
    Args::Exec(
        items
            .into_iter()
            .map(|(r, value)| Arg {
                span: line.span(r),
                value: value.into(),
            })
            .collect(),
    )
}

/// `parseMaybeJSON`: exec form, or the whole text.
fn json_or_text<'s>(line: &LogicalLine<'s>, rest: Range<usize>) -> Result<Args<'s>, LineError> {
    if rest.is_empty() {
        return Ok(Args::None);
    }
    match parse_json_args(line.as_str(), rest.clone()) {
        JsonArgs::Strings(items) => Ok(exec(line, items)),
        JsonArgs::NotStrings => Err((SyntaxErrorKind::JsonNotStringArray, rest.start)),
        JsonArgs::NotJson => Ok(Args::Text(arg(line, rest))),
    }
}

/// `parseMaybeJSONToList`: exec form, or whitespace-separated words.
fn json_or_words<'s>(line: &LogicalLine<'s>, rest: Range<usize>) -> Result<Args<'s>, LineError> {
    match parse_json_args(line.as_str(), rest.clone()) {
        JsonArgs::Strings(items) => Ok(exec(line, items)),
        JsonArgs::NotStrings => Err((SyntaxErrorKind::JsonNotStringArray, rest.start)),
        JsonArgs::NotJson => Ok(words(line, rest)),
    }
}

/// `parseHealthConfig`: a type word, then a command in either form.
fn health<'s>(line: &LogicalLine<'s>, rest: Range<usize>) -> Result<Args<'s>, LineError> {
    let bytes = line.as_str().as_bytes();
    let sep = (rest.start..rest.end)
        .find(|&i| is_ascii_space(bytes[i]))
        .unwrap_or(rest.end);
    if sep == rest.start {
        return Ok(Args::None);
    }
    let mut next = sep;
    while next < rest.end && is_ascii_space(bytes[next]) {
        next += 1;
    }
    let command = json_or_text(line, next..rest.end)?;
    Ok(Args::Health {
        kind: arg(line, rest.start..sep),
        command: Box::new(command),
    })
}

/// `parseNameOrNameVal` (ARG): words, each `name` or `name=value`.
fn name_or_name_value<'s>(line: &LogicalLine<'s>, escape: char, rest: Range<usize>) -> Args<'s> {
    let text = line.as_str();
    let pairs: Vec<_> = parse_words(text, rest, escape)
        .into_iter()
        .map(|word| split_pair(line, word))
        .collect();
    if pairs.is_empty() {
        Args::None
    } else {
        Args::KeyValues(pairs)
    }
}

fn split_pair<'s>(line: &LogicalLine<'s>, word: Range<usize>) -> KeyValue<'s> {
    let text = line.as_str();
    match text[word.clone()].find('=') {
        Some(eq) => KeyValue {
            span: line.span(word.clone()),
            key: arg(line, word.start..word.start + eq),
            value: Some(arg(line, word.start + eq + 1..word.end)),
            has_equals: true,
        },
        None => KeyValue {
            span: line.span(word.clone()),
            key: arg(line, word),
            value: None,
            has_equals: false,
        },
    }
}

/// `parseNameVal` (ENV, LABEL): `name=value ...`, or the old `name value`.
fn name_value<'s>(
    line: &LogicalLine<'s>,
    escape: char,
    rest: Range<usize>,
    keyword: &'static str,
) -> Result<Args<'s>, LineError> {
    let text = line.as_str();
    let words = parse_words(text, rest.clone(), escape);
    let Some(first) = words.first() else {
        return Ok(Args::None);
    };
    if !text[first.clone()].contains('=') {
        let pieces = split_whitespace(text, rest.clone());
        if pieces.len() < 2 {
            return Err((SyntaxErrorKind::MissingValue(keyword), rest.start));
        }
        let key = pieces[0].clone();
        let value = pieces[1].start..rest.end;
        return Ok(Args::KeyValues(vec![KeyValue {
            span: line.span(rest),
            key: arg(line, key),
            value: Some(arg(line, value)),
            has_equals: false,
        }]));
    }
    let mut pairs = Vec::with_capacity(words.len());
    for word in words {
        if !text[word.clone()].contains('=') {
            return Err((SyntaxErrorKind::MissingEquals, word.start));
        }
        pairs.push(split_pair(line, word));
    }
    Ok(Args::KeyValues(pairs))
}
