//! Phrases that mark where quoted history starts in a reply, in EN/DE/FR/ES/SV/NL (and a few
//! more that mail clients emit). Everything is compared lower-cased.

use super::Words;
use crate::words;

/// Verbs that end an attribution line such as "On Mon, 1 Dec 2026, Jane <j@x> wrote:".
/// Matched as the last word(s) before the final `:`.
pub const WROTE_VERBS: Words = words![
    "wrote",
    "writes",
    "schrieb",
    "schreef",
    "a écrit",
    "a ecrit",
    "escribió",
    "escribio",
    "skrev",
    "scrisse",
    "ha scritto",
    "escreveu",
    "napisał",
    "kirjoitti",
];

/// Words an attribution line starts with ("On …", "Am …", "Le …", "El …", "Den …", "Op …").
pub const ATTRIBUTION_STARTS: Words =
    words!["on ", "am ", "le ", "el ", "den ", "op ", "il ", "em ", "dnia ", "the ", "at ",];

/// Separator lines written by mail clients above the original message (compared after trimming
/// dashes, underscores, asterisks and spaces from both ends).
pub const SEPARATORS: Words = words![
    "original message",
    "original-message",
    "forwarded message",
    "begin forwarded message:",
    "forwarded by",
    "ursprüngliche nachricht",
    "ursprungliche nachricht",
    "weitergeleitete nachricht",
    "originalnachricht",
    "message d'origine",
    "message original",
    "message transféré",
    "message transfere",
    "mensaje original",
    "mensaje reenviado",
    "ursprungligt meddelande",
    "vidarebefordrat meddelande",
    "oorspronkelijk bericht",
    "oorspronkelijk e-mailbericht",
    "doorgestuurd bericht",
    "messaggio originale",
    "mensagem original",
    // Helpdesk and mailing tools that mark where the quoted conversation starts.
    "please reply above this line",
    "reply above this line",
    "please do not write below this line",
    "do not write below this line",
    "bitte oberhalb dieser zeile antworten",
    "veuillez répondre au-dessus de cette ligne",
    "responda por encima de esta línea",
];

/// Header names that open an Outlook-style quoted header block ("From: … Sent: … To: …").
pub const BLOCK_FROM: Words = words!["from", "von", "de", "från", "fran", "van", "da", "od"];

/// Header names that follow `From:` inside such a block.
pub const BLOCK_FOLLOWERS: Words = words![
    "sent",
    "date",
    "to",
    "cc",
    "subject",
    "gesendet",
    "datum",
    "an",
    "betreff",
    "envoyé",
    "envoye",
    "à",
    "a",
    "objet",
    "date d'envoi",
    "enviado",
    "enviado el",
    "fecha",
    "para",
    "asunto",
    "skickat",
    "till",
    "ämne",
    "amne",
    "verzonden",
    "aan",
    "onderwerp",
    "inviato",
    "oggetto",
];
