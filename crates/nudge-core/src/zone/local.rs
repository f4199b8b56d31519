//! Local time to UTC from nothing but "the offset at a UTC instant".

use chrono::MappedLocalTime;

const DAY: i64 = 86_400;

/// The offsets (seconds east) under which the wall-clock time `local` (seconds since the epoch,
/// read as if UTC) is a real instant of a zone whose offset at a UTC instant is `offset_at`.
///
/// Every offset in force near `local` is found by probing a day either side (no zone changes
/// offset twice within a day) and at `local` itself; an offset counts when the instant it gives
/// maps back to it. One offset: a plain time. Two: a fold (earliest instant, i.e. the larger
/// offset, first, as chrono-tz orders it). None: a gap.
pub(super) fn offsets_of_local(local: i64, offset_at: impl Fn(i64) -> i32) -> MappedLocalTime<i32> {
    let mut tried: [Option<i32>; 3] = [None; 3];
    let mut valid: Vec<i32> = Vec::with_capacity(2);
    for (i, probe) in [local.saturating_sub(DAY), local, local.saturating_add(DAY)]
        .into_iter()
        .enumerate()
    {
        let offset = offset_at(probe);
        if tried.contains(&Some(offset)) {
            continue;
        }
        tried[i] = Some(offset);
        if offset_at(local.saturating_sub(i64::from(offset))) == offset {
            valid.push(offset);
        }
    }
    valid.sort_unstable_by(|a, b| b.cmp(a));
    match valid.as_slice() {
        [] => MappedLocalTime::None,
        [only] => MappedLocalTime::Single(*only),
        [earliest, .., latest] => MappedLocalTime::Ambiguous(*earliest, *latest),
    }
}
