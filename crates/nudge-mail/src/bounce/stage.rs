//! Which step of the SMTP dialogue the receiving server refused, read from the transcript
//! wording MTAs put in their notices:
//! - Postfix: `(in reply to RCPT TO command)`, `(in reply to end of DATA command)`;
//! - Exim: `SMTP error from remote mail server after RCPT TO:<…>:`, `after end of data:`;
//! - Sendmail and relatives: the transcript's `>>> RCPT To:<…>` / `<<< 550 …` lines;
//! - qmail: `Connected to … but sender was rejected.`, `… but my name was rejected.`,
//!   `most progress was RCPT TO response`;
//! - a labelled `SMTP command` field, `SMTP:RCPT host …`.
//!
//! The step tells what the refusal is about. Only a refusal *of the recipient* (at `RCPT TO`)
//! speaks about the address. After the content was sent (`DATA`), a "user unknown" comes from a
//! content filter; at the greeting, `HELO` or `MAIL FROM` the server refused *us* and never
//! looked at the recipient at all.

/// A step of the SMTP dialogue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Stage {
    /// The connection, greeting or `HELO`/`EHLO`: about the sending host.
    Connect,
    /// `MAIL FROM`: about the sender address.
    MailFrom,
    /// `RCPT TO`: about the recipient address.
    RcptTo,
    /// `DATA` or the end of the data: about the content.
    Data,
}

/// The step the (first) refusal in `text` answered, when the notice says.
pub(crate) fn failed_stage(text: &str) -> Option<Stage> {
    let lower = text.to_lowercase();
    transcript_stage(&lower).or_else(|| phrase_stage(&collapse(&lower)))
}

/// A Sendmail-style transcript: the command sent (`>>> CMD`) right before the first reply that
/// is a failure (`<<< 4xx` / `<<< 5xx`).
fn transcript_stage(lower: &str) -> Option<Stage> {
    if !lower.contains(">>>") {
        return None;
    }
    let mut last = None;
    for line in lower.lines().map(str::trim) {
        if let Some(cmd) = line.strip_prefix(">>>") {
            last = command_stage(cmd.trim());
        } else if let Some(reply) = line.strip_prefix("<<<") {
            let reply = reply.trim_start();
            if reply.starts_with('4') || reply.starts_with('5') {
                // With PIPELINING the recipients' answers arrive after `DATA` was sent: an answer
                // about a recipient answers `RCPT TO`, whatever was sent last.
                if last == Some(Stage::Data) && reply.contains("recipient") {
                    return Some(Stage::RcptTo);
                }
                return last;
            }
        }
    }
    None
}

/// The stage an SMTP command word starts.
fn command_stage(cmd: &str) -> Option<Stage> {
    let word = cmd.split([' ', ':', '<']).next().unwrap_or("");
    match word {
        "helo" | "ehlo" | "lhlo" | "starttls" | "auth" => Some(Stage::Connect),
        "mail" => Some(Stage::MailFrom),
        "rcpt" => Some(Stage::RcptTo),
        "data" | "." | "bdat" => Some(Stage::Data),
        _ => None,
    }
}

/// Stage phrases of Postfix, Exim, qmail and others (whitespace collapsed, lower-case), most
/// specific first. The earliest phrase in the text wins: notices list the first refusal first.
fn phrase_stage(text: &str) -> Option<Stage> {
    STAGE_PHRASES
        .iter()
        .filter_map(|(stage, phrase)| text.find(phrase).map(|at| (at, *stage)))
        .min_by_key(|(at, _)| *at)
        .map(|(_, stage)| stage)
}

const STAGE_PHRASES: &[(Stage, &str)] = &[
    (Stage::RcptTo, "in reply to rcpt to command"),
    (Stage::RcptTo, "in reply to rcpt command"),
    (Stage::RcptTo, "after rcpt to"),
    (Stage::RcptTo, "most progress was rcpt to response"),
    (Stage::RcptTo, "smtp:rcpt "),
    (Stage::RcptTo, "smtp command rcpt"),
    (Stage::RcptTo, "rcpt to response"),
    (Stage::RcptTo, "rcpt_to"),
    (Stage::Data, "in reply to end of data command"),
    (Stage::Data, "in reply to data command"),
    (Stage::Data, "after end of data"),
    (Stage::Data, "after data"),
    (Stage::Data, "smtp command data"),
    (Stage::Data, "smtp:data "),
    (Stage::Data, "end of data"),
    (Stage::Data, "final data"),
    (Stage::MailFrom, "in reply to mail from command"),
    (Stage::MailFrom, "after mail from"),
    (Stage::MailFrom, "but sender was rejected"),
    (Stage::MailFrom, "smtp command mail"),
    (Stage::Connect, "but my name was rejected"),
    (Stage::Connect, "in reply to helo command"),
    (Stage::Connect, "in reply to ehlo command"),
    (Stage::Connect, "after helo"),
    (Stage::Connect, "after ehlo"),
    (Stage::Connect, "after initial connection"),
    (Stage::Connect, "smtp command helo"),
    (Stage::Connect, "smtp command ehlo"),
];

/// Whitespace and label punctuation (`-------SMTP command\nDATA`) squeezed to single spaces.
fn collapse(s: &str) -> String {
    s.split(|c: char| c.is_whitespace() || c == '-')
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn postfix_and_exim_wording() {
        assert_eq!(
            failed_stage(
                "said: 550 <a@b.example>: User unknown (in reply to\n    RCPT TO command)"
            ),
            Some(Stage::RcptTo)
        );
        assert_eq!(
            failed_stage("said: 550 User unknown (in reply to end of DATA command)"),
            Some(Stage::Data)
        );
        assert_eq!(
            failed_stage("SMTP error from remote mail server after MAIL FROM:<x@y.example>:"),
            Some(Stage::MailFrom)
        );
        assert_eq!(failed_stage("550 User unknown"), None);
    }

    #[test]
    fn sendmail_transcript_takes_the_command_before_the_first_failure() {
        let t = ">>> MAIL From:<me@x.example>\n<<< 250 ok\n>>> RCPT To:<a@b.example>\n<<< 250 ok\n>>> DATA\n<<< 550 Unknown user a@b.example\n";
        assert_eq!(failed_stage(t), Some(Stage::Data));
        let t =
            ">>> RCPT To:<a@b.example>\n<<< 550 5.1.1 User unknown\n>>> DATA\n<<< 503 Need RCPT\n";
        assert_eq!(failed_stage(t), Some(Stage::RcptTo));
        let pipelined = ">>> DATA\n<<< 550 5.5.0 Invalid recipient\n<<< 554 no valid recipients\n";
        assert_eq!(failed_stage(pipelined), Some(Stage::RcptTo));
    }

    #[test]
    fn labelled_and_qmail_wording() {
        assert_eq!(
            failed_stage("-------server message\n550 unknown user\n\n-------SMTP command\nDATA\n"),
            Some(Stage::Data)
        );
        assert_eq!(
            failed_stage("Connected to 192.0.2.1 but my name was rejected."),
            Some(Stage::Connect)
        );
    }
}
