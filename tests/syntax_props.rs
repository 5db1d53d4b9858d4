//! Property tests of the syntax layer: on arbitrary bytes and on generated
//! Dockerfiles it never panics, every span is in bounds and on character
//! boundaries, spans tile the text, and an empty edit list is the identity.

mod support;

use dfix::syntax::parse_bytes;
use proptest::prelude::*;
use support::check_spans;

/// Pieces real Dockerfiles are made of, including the awkward ones.
fn fragment() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec![
        "FROM alpine AS build",
        "from x",
        "RUN echo hi",
        "run --mount=type=cache,target=/c make",
        "RUN <<EOF",
        "RUN <<-'EOT' bash",
        "COPY <<A <<B /d",
        "EOF",
        "\tEOT",
        "A",
        "B",
        "RUN [\"a\", \"b\"]",
        "CMD [\"x\",",
        "ENV A=1 B=\"x y\"",
        "ENV OLD v w",
        "ARG X Y=z",
        "LABEL a=b",
        "ONBUILD RUN x",
        "HEALTHCHECK CMD true",
        "# comment",
        "# escape=`",
        "# syntax=x",
        "#",
        "",
        "   ",
        "\\",
        " \\",
        "`",
        "\\\\",
        "&& b \\",
        "'",
        "\"",
        "é ✓",
        "\u{feff}",
        "WORKDIR C:\\app\\",
        "COPY --chown=1:1 --link a b",
        "ENV",
        "RUN 3<<X cat",
    ])
}

fn dockerfile() -> impl Strategy<Value = String> {
    (
        prop::collection::vec(
            (
                fragment(),
                prop::sample::select(vec!["\n", "\r\n", " \\\n", "\n\n"]),
            ),
            0..40,
        ),
        any::<bool>(),
    )
        .prop_map(|(lines, final_newline)| {
            let mut s: String = lines.iter().map(|(l, end)| format!("{l}{end}")).collect();
            if !final_newline {
                s.pop();
            }
            s
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        if let Ok(d) = parse_bytes(&bytes) {
            check_spans(&d);
        }
    }

    #[test]
    fn arbitrary_text_never_panics(src in "[ -~\t\n\r\u{a0}é✓]{0,400}") {
        if let Ok(d) = parse_bytes(src.as_bytes()) {
            check_spans(&d);
        }
    }

    #[test]
    fn generated_dockerfiles_keep_their_spans(src in dockerfile()) {
        if let Ok(d) = parse_bytes(src.as_bytes()) {
            check_spans(&d);
        }
    }
}
