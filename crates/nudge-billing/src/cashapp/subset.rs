//! Bounded exact subset-sum: which open invoices add up to exactly the payment?
//!
//! Depth-first over amounts sorted largest first, pruning branches whose remaining invoices
//! cannot reach the target, and stopping after a node budget so a pathological ledger cannot burn
//! the Worker's CPU. Amounts are integers in a common minor unit, so the sums are exact.

/// What the search found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubsetSearch {
    /// Up to `max_solutions` distinct sets of indices (into the input) summing to the target.
    pub solutions: Vec<Vec<usize>>,
    /// True when the node budget ran out before the search space was covered: more solutions may
    /// exist, so a single one found is not proof of uniqueness.
    pub exhausted: bool,
}

/// Finds up to `max_solutions` subsets of `amounts` (all positive) that sum to `target`, with at
/// least `min_size` elements, visiting at most `node_budget` nodes.
pub fn find_subsets(
    amounts: &[i128],
    target: i128,
    min_size: usize,
    max_solutions: usize,
    node_budget: u32,
) -> SubsetSearch {
    let mut order: Vec<usize> = (0..amounts.len()).collect();
    nudge_core::order::sort_by(&mut order, |a, b| amounts.get(*b).cmp(&amounts.get(*a)));
    let sorted: Vec<i128> = order
        .iter()
        .filter_map(|i| amounts.get(*i).copied())
        .collect();
    // suffix[i] = sum of sorted[i..], for pruning.
    let mut suffix = vec![0i128; sorted.len() + 1];
    for i in (0..sorted.len()).rev() {
        suffix[i] = suffix[i + 1].saturating_add(sorted[i]);
    }
    let mut search = Search {
        sorted: &sorted,
        suffix: &suffix,
        min_size,
        max_solutions,
        budget: node_budget,
        exhausted: false,
        chosen: Vec::new(),
        found: Vec::new(),
    };
    if target > 0 {
        search.dfs(0, target);
    }
    let solutions = search
        .found
        .into_iter()
        .map(|set| {
            let mut idx: Vec<usize> = set.iter().filter_map(|i| order.get(*i).copied()).collect();
            idx.sort_unstable();
            idx
        })
        .collect();
    SubsetSearch {
        solutions,
        exhausted: search.exhausted,
    }
}

struct Search<'a> {
    sorted: &'a [i128],
    suffix: &'a [i128],
    min_size: usize,
    max_solutions: usize,
    budget: u32,
    exhausted: bool,
    chosen: Vec<usize>,
    found: Vec<Vec<usize>>,
}

impl Search<'_> {
    fn dfs(&mut self, i: usize, remaining: i128) {
        if self.found.len() >= self.max_solutions || self.exhausted {
            return;
        }
        if remaining == 0 {
            if self.chosen.len() >= self.min_size {
                self.found.push(self.chosen.clone());
            }
            return;
        }
        let (Some(&amount), Some(&reachable)) = (self.sorted.get(i), self.suffix.get(i)) else {
            return;
        };
        if reachable < remaining {
            return;
        }
        if self.budget == 0 {
            self.exhausted = true;
            return;
        }
        self.budget -= 1;
        if amount <= remaining {
            self.chosen.push(i);
            self.dfs(i + 1, remaining - amount);
            self.chosen.pop();
        }
        self.dfs(i + 1, remaining);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_unique_combination() {
        let r = find_subsets(&[100, 250, 400, 75], 475, 2, 3, 10_000);
        assert_eq!(r.solutions, vec![vec![2, 3]]);
        assert!(!r.exhausted);
    }

    #[test]
    fn reports_every_solution_up_to_the_cap() {
        let r = find_subsets(&[100, 100, 200], 200, 2, 3, 10_000);
        assert_eq!(r.solutions, vec![vec![0, 1]]);
        let r = find_subsets(&[100, 100, 100], 200, 2, 5, 10_000);
        assert_eq!(r.solutions.len(), 3);
    }

    #[test]
    fn budget_bounds_the_search() {
        let amounts: Vec<i128> = (0..40).map(|i| 1000 + i * 7).collect();
        let r = find_subsets(&amounts, 1, 2, 3, 500);
        assert!(r.solutions.is_empty());
        let r = find_subsets(&amounts, 999_999, 2, 3, 50);
        assert!(r.exhausted || r.solutions.is_empty());
    }
}
