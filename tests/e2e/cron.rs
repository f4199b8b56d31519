use crate::helpers::spawn_app;

#[test]
fn a_cron_trigger_runs_and_records_a_sweep() {
    let app = spawn_app();
    assert_eq!(
        app.api_get("/api/sweeps").json["sweeps"]
            .as_array()
            .map(Vec::len),
        Some(0)
    );
    let r = app.trigger_cron("*/30 * * * *");
    assert_eq!(r.status, 200, "{}", r.text);
    let sweeps = app.api_get("/api/sweeps").json;
    let runs = sweeps["sweeps"].as_array().cloned().unwrap_or_default();
    assert_eq!(runs.len(), 1, "{sweeps}");
    assert_eq!(runs[0]["trigger"], "*/30 * * * *");
    assert!(runs[0]["finished_at"].is_string());
    assert!(
        app.log_events("sweep.failed").is_empty(),
        "{:?}",
        app.logs()
    );
}
