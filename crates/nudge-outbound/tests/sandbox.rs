//! Operator template overrides are sandboxed: a template that runs forever, writes without end,
//! recurses, or reaches for a template outside the set is refused when it is loaded — with an
//! error, quickly, and the set it was offered to stays as it was.

mod common;

use std::time::{Duration, Instant};

use common::*;
use nudge_outbound::render::MAX_OUTPUT_BYTES;
use nudge_outbound::{render, MessageKind, TemplateError, Templates, Tone};

/// Offers `source` as `name`; asserts it is refused within a few seconds and returns the error.
fn refused(name: &str, source: &str) -> TemplateError {
    let t = Templates::builtin();
    let started = Instant::now();
    let result = t.with_override(name, source);
    let took = started.elapsed();
    assert!(took < Duration::from_secs(10), "{name}: took {took:?}");
    let err = match result {
        Ok(_) => panic!("{name}: `{source}` was accepted"),
        Err(e) => e,
    };
    // The original set still renders.
    let ctx = context(MessageKind::Reminder, Tone::Standard, "en");
    assert!(render(&ctx, &t).is_ok());
    err
}

fn message(e: &TemplateError) -> String {
    e.to_string()
}

#[test]
fn a_loop_without_end_runs_out_of_fuel() {
    let e = refused(
        "en/reminder.txt.j2",
        // 10^10 iterations (a string iterates by character; there is no `range`, see filters.rs).
        "{% set s = \"x\" * 100000 %}{% for a in s %}{% for b in s %}{% endfor %}{% endfor %}",
    );
    assert!(matches!(e, TemplateError::Render { .. }), "{e}");
    assert!(message(&e).contains("fuel"), "{e}");
    // Macros (the other way to recurse) are not part of the language: refused at load.
    let e = refused(
        "en/reminder.txt.j2",
        "{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}",
    );
    assert!(matches!(e, TemplateError::Syntax { .. }), "{e}");
    // A template that includes itself is cut by the recursion limit.
    let e = refused("en/reminder.txt.j2", "x{% include \"reminder.txt.j2\" %}");
    assert!(matches!(e, TemplateError::Render { .. }), "{e}");
}

#[test]
fn output_is_bounded() {
    // 100,000 × 1,000 bytes = 100 MB if nothing stopped it.
    let e = refused(
        "en/reminder.txt.j2",
        "{% for i in \"i\" * 100000 %}{{ \"x\" * 1000 }}{% endfor %}",
    );
    assert!(
        message(&e).contains(&format!("over the limit of {MAX_OUTPUT_BYTES} bytes")),
        "{e}"
    );
    let e = refused(
        "en/reminder.html.j2",
        "{% for i in \"i\" * 100000 %}<p>{{ customer }} {{ \"y\" * 2000 }}</p>{% endfor %}",
    );
    assert!(message(&e).contains("over the limit"), "{e}");
}

#[test]
fn nothing_outside_the_set_can_be_included_imported_or_extended() {
    for source in [
        "{% include \"../../../etc/passwd\" %}",
        "{% include \"/etc/passwd\" %}",
        "{% include \"fr/unknown.txt.j2\" %}",
        "{% include \"https://evil.example/x.j2\" %}",
        "{% import \"evil/macros.j2\" as m %}{{ m.x() }}",
        "{% from \"../x.j2\" import y %}{{ y() }}",
        "{% extends \"/etc/hosts\" %}",
    ] {
        let e = refused("en/reminder.txt.j2", source);
        assert!(
            matches!(
                e,
                TemplateError::Render { .. } | TemplateError::Syntax { .. }
            ),
            "{source}: {e}"
        );
    }
    // Names outside `<locale>/<name>.<txt|html>.j2` are refused before parsing.
    for name in [
        "../en/reminder.txt.j2",
        "en/../../x.txt.j2",
        "en/reminder.txt",
        "/abs.txt.j2",
    ] {
        assert!(
            matches!(refused(name, "x"), TemplateError::InvalidName(_)),
            "{name}"
        );
    }
}

#[test]
fn a_reasonable_override_is_still_accepted_and_includes_partials_of_the_set() {
    let t = Templates::builtin();
    let t2 = t
        .with_override(
            "en/reminder.txt.j2",
            "Hello {{ customer }}.\n{% include \"_invoices.txt.j2\" %}",
        )
        .expect("a normal override");
    let r = render(&context(MessageKind::Reminder, Tone::Standard, "en"), &t2).unwrap();
    assert!(
        r.text.starts_with("Hello Globex Corporation."),
        "{}",
        r.text
    );
    assert!(r.text.contains("INV-1001"), "{}", r.text);
}
