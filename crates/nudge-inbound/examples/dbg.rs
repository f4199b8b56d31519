fn main() {
    let args: Vec<String> = std::env::args().collect();
    let today = chrono::NaiveDate::parse_from_str(&args[2], "%Y-%m-%d").unwrap();
    for f in nudge_inbound::dates::find(
        &args[1],
        today,
        args.get(3).map(String::as_str).unwrap_or("en-GB"),
    ) {
        println!(
            "{:?} {}",
            f,
            &nudge_inbound::text::normalise(&args[1])[f.start..f.end]
        );
    }
}
