//! Stable sorting through one compiled sort.
//!
//! `slice::sort_by` is generic over the element and the comparator, so every call site compiles
//! its own copy of the standard library's sort (driftsort: a dozen functions, several KB each).
//! Natively nobody notices; in the deployable wasm the 21 sort sites of the domain crates and the
//! shell through this module instead of `slice::sort_by` cut 45 KB of code (8 KB gzipped; issue
//! 12, BENCHMARKS.md "Size"). The sorts left in the wasm are the dependencies' and
//! `BTreeMap: FromIterator`'s.
//! [`sort_by`] and [`sort_by_key`] sort a permutation of indices with one non-generic sort and a
//! `dyn` comparator, then move the elements into place: the same result as `slice::sort_by`
//! (stable: equal elements keep their order), for the small lists a ledger or a reply has.

use std::cmp::Ordering;

/// Sorts `v` by `cmp`, stably (like `slice::sort_by`).
pub fn sort_by<T>(v: &mut Vec<T>, mut cmp: impl FnMut(&T, &T) -> Ordering) {
    if v.len() < 2 {
        return;
    }
    let order = {
        let items: &[T] = v;
        sorted_indices(items.len(), &mut |a, b| cmp(&items[a], &items[b]))
    };
    let mut slots: Vec<Option<T>> = std::mem::take(v).into_iter().map(Some).collect();
    // Each index occurs once in `order`, so every slot is taken exactly once.
    v.extend(order.into_iter().filter_map(|i| slots[i].take()));
}

/// Sorts `v` by the key `key` gives, stably (like `slice::sort_by_key`).
pub fn sort_by_key<T, K: Ord>(v: &mut Vec<T>, mut key: impl FnMut(&T) -> K) {
    sort_by(v, |a, b| key(a).cmp(&key(b)));
}

/// Sorts `v` ascending, stably (like `slice::sort`).
pub fn sort<T: Ord>(v: &mut Vec<T>) {
    sort_by(v, T::cmp);
}

/// The one compiled sort: indices `0..n` ordered by `cmp`, ties by index (hence stable).
#[inline(never)]
fn sorted_indices(n: usize, cmp: &mut dyn FnMut(usize, usize) -> Ordering) -> Vec<usize> {
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_unstable_by(|&a, &b| cmp(a, b).then(a.cmp(&b)));
    order
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn equal_keys_keep_their_order() {
        let mut v = vec![(2, 'a'), (1, 'b'), (2, 'c'), (1, 'd'), (0, 'e')];
        sort_by_key(&mut v, |p| p.0);
        assert_eq!(v, vec![(0, 'e'), (1, 'b'), (1, 'd'), (2, 'a'), (2, 'c')]);
    }

    #[test]
    fn a_reversed_comparator_sorts_descending() {
        let mut v = vec!["b".to_string(), "c".to_string(), "a".to_string()];
        sort_by(&mut v, |a, b| b.cmp(a));
        assert_eq!(v, ["c", "b", "a"]);
        sort(&mut v);
        assert_eq!(v, ["a", "b", "c"]);
    }

    proptest! {
        #[test]
        fn agrees_with_the_standard_stable_sort(v in proptest::collection::vec((0u8..6, any::<u16>()), 0..60)) {
            let mut ours = v.clone();
            let mut std_sorted = v;
            sort_by_key(&mut ours, |p| p.0);
            std_sorted.sort_by_key(|p| p.0);
            prop_assert_eq!(ours, std_sorted);
        }
    }
}
