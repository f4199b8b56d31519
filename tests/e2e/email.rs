use crate::helpers::spawn_app;

#[test]
fn an_inbound_email_is_accepted_and_stored() {
    let app = spawn_app();
    let raw = "From: Jane AP <jane@globex.example>\r\n\
               To: ar@nudge.example.com\r\n\
               Subject: Re: Your account with Example Supplies\r\n\
               Message-ID: <reply-1@globex.example>\r\n\
               Date: Mon, 23 Nov 2026 10:00:00 +0100\r\n\
               \r\n\
               Thanks, we will look into it.\r\n";
    let r = app.deliver_email("jane@globex.example", "ar@nudge.example.com", raw);
    assert_eq!(r.status, 200, "{}", r.text);
    let listed = app.api_get("/api/inbound").json;
    let messages = listed["messages"].as_array().cloned().unwrap_or_default();
    assert_eq!(messages.len(), 1, "{listed}");
    assert_eq!(messages[0]["envelope_from"], "jane@globex.example");
    assert_eq!(messages[0]["message_id"], "reply-1@globex.example");
    assert_eq!(messages[0]["raw_size"].as_u64(), Some(raw.len() as u64));
}
