//! "Did you mean …?" suggestions: the closest known spelling by optimal-string-alignment distance (a
//! Damerau-Levenshtein variant: insertions, deletions, substitutions and swaps of neighbours).
//!
//! A candidate is suggested when it differs only by letter case, or when its distance is at most 2 and at
//! most a third of the longer word (so short words are not matched to anything).

/// Optimal-string-alignment distance between `a` and `b`, counted in characters.
pub fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev2 = vec![0usize; b.len() + 1];
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0usize; b.len() + 1];
    for i in 1..=a.len() {
        cur[0] = i;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            cur[j] = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                cur[j] = cur[j].min(prev2[j - 2] + 1);
            }
        }
        std::mem::swap(&mut prev2, &mut prev);
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

/// The closest candidate to `word`, if one is close enough; ties go to the first in `candidates`.
pub fn suggest<'a, I>(word: &str, candidates: I) -> Option<&'a str>
where
    I: IntoIterator<Item = &'a str>,
{
    let candidates_again: Vec<&'a str> = candidates.into_iter().collect();
    let mut best: Option<(usize, &'a str)> = None;
    for &c in &candidates_again {
        if c == word {
            continue;
        }
        let d = if c.eq_ignore_ascii_case(word) {
            0
        } else {
            distance(&word.to_ascii_lowercase(), &c.to_ascii_lowercase()).max(1)
        };
        let longer = word.chars().count().max(c.chars().count());
        if d <= 2 && d * 3 <= longer && best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, c));
        }
    }
    best.map(|(_, c)| c)
        .or_else(|| prefix_match(word, candidates_again))
}

/// A candidate that starts with `word` (at least 4 characters), as a last resort: `cost.total` →
/// `cost.total_usd`.
fn prefix_match<'a>(word: &str, candidates: Vec<&'a str>) -> Option<&'a str> {
    if word.chars().count() < 4 {
        return None;
    }
    candidates
        .into_iter()
        .find(|c| c.starts_with(word) && *c != word)
}

/// `did you mean `x`?` when a suggestion exists, else `valid values: a, b, c` (`what` names them).
pub fn hint<'a, I>(word: &str, candidates: I, what: &str) -> Option<String>
where
    I: IntoIterator<Item = &'a str>,
    I::IntoIter: Clone,
{
    let candidates = candidates.into_iter();
    if let Some(s) = suggest(word, candidates.clone()) {
        return Some(format!("did you mean `{s}`?"));
    }
    let all: Vec<&str> = candidates.collect();
    if all.is_empty() {
        None
    } else if all.len() <= 12 {
        Some(format!("{what}: {}", all.join(", ")))
    } else {
        Some(format!("{what}: {}, …", all[..12].join(", ")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distance_counts_a_swap_of_neighbours_as_one_edit() {
        assert_eq!(distance("desird_count", "desired_count"), 1);
        assert_eq!(distance("biNpack", "binpack"), 1);
        assert_eq!(distance("spraed", "spread"), 1);
        assert_eq!(distance("", "abc"), 3);
    }

    #[test]
    fn suggest_picks_the_closest_candidate_and_ignores_far_ones() {
        let fields = ["desired_count", "deployment_configuration", "name"];
        assert_eq!(suggest("desird_count", fields), Some("desired_count"));
        assert_eq!(suggest("nmae", fields), Some("name"));
        assert_eq!(suggest("xyz", fields), None);
        assert_eq!(
            suggest("deploy", fields),
            Some("deployment_configuration"),
            "a prefix of 4+ characters"
        );
        assert_eq!(suggest("fargate", ["FARGATE", "EC2"]), Some("FARGATE"));
    }

    #[test]
    fn hint_lists_valid_values_when_nothing_is_close() {
        assert_eq!(
            hint("zzz", ["binpack", "spread", "random"], "valid types"),
            Some("valid types: binpack, spread, random".to_string())
        );
        assert_eq!(
            hint("spred", ["binpack", "spread", "random"], "valid types"),
            Some("did you mean `spread`?".to_string())
        );
    }
}
