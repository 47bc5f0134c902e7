//! A list of short strings (footnote labels) kept in one text, one after
//! the other, with where each ends: two allocations for the whole list
//! rather than one for each label. An article of 100,000 footnotes has
//! 100,000 labels, listed by the index of its definitions and by the
//! pieces of its parse: as `String`s, about 56 bytes each (the string and
//! its allocation), here about 10.

/// Labels in order, kept in one text (see the module's paragraph).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct LabelList {
    /// Every label, one after the other.
    text: String,
    /// Where each label ends in `text`: label `i` runs from the end of
    /// label `i - 1` (0 for the first). In 32 bits, as the labels come from
    /// an article of at most 1 GiB (see `load`).
    ends: Vec<u32>,
}

impl LabelList {
    pub const fn new() -> LabelList {
        LabelList {
            text: String::new(),
            ends: Vec::new(),
        }
    }

    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// Label `i`. Panics past the end, as a slice does.
    pub fn get(&self, i: usize) -> &str {
        let start = i.checked_sub(1).map_or(0, |p| self.ends[p] as usize);
        &self.text[start..self.ends[i] as usize]
    }

    pub fn push(&mut self, label: &str) {
        self.text.push_str(label);
        self.ends
            .push(u32::try_from(self.text.len()).unwrap_or(u32::MAX));
    }

    pub fn iter(&self) -> impl ExactSizeIterator<Item = &str> + '_ {
        (0..self.len()).map(|i| self.get(i))
    }

    /// The first `count` labels, as a list of their own.
    pub fn first(&self, count: usize) -> LabelList {
        let count = count.min(self.len());
        let end = count.checked_sub(1).map_or(0, |p| self.ends[p] as usize);
        LabelList {
            text: self.text[..end].to_string(),
            ends: self.ends[..count].to_vec(),
        }
    }

    /// Whether labels `from..from + labels.len()` are `labels`.
    pub fn has_at<S: AsRef<str>>(&self, from: usize, labels: &[S]) -> bool {
        from.checked_add(labels.len())
            .is_some_and(|end| end <= self.len())
            && labels
                .iter()
                .enumerate()
                .all(|(k, l)| self.get(from + k) == l.as_ref())
    }

    /// Give back the room the list grew into.
    pub fn shrink_to_fit(&mut self) {
        self.text.shrink_to_fit();
        self.ends.shrink_to_fit();
    }
}

impl<S: AsRef<str>> Extend<S> for LabelList {
    fn extend<I: IntoIterator<Item = S>>(&mut self, labels: I) {
        for label in labels {
            self.push(label.as_ref());
        }
    }
}

impl<S: AsRef<str>> FromIterator<S> for LabelList {
    fn from_iter<I: IntoIterator<Item = S>>(labels: I) -> LabelList {
        let mut list = LabelList::default();
        list.extend(labels);
        list
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_come_back_as_they_went_in() {
        let labels = ["n1", "", "a b", "ü", "n100000", "", "x"];
        let list: LabelList = labels.iter().collect();
        assert_eq!(list.len(), labels.len());
        for (i, l) in labels.iter().enumerate() {
            assert_eq!(list.get(i), *l);
        }
        assert_eq!(list.iter().collect::<Vec<_>>(), labels);
        assert_eq!(list.iter().len(), labels.len());
    }

    #[test]
    fn an_empty_list_has_no_labels() {
        let list = LabelList::default();
        assert_eq!(list.len(), 0);
        assert_eq!(list.iter().count(), 0);
        assert_eq!(list.first(3), list);
        assert!(list.has_at::<&str>(0, &[]));
        assert!(!list.has_at(0, &["a"]));
    }

    #[test]
    fn the_first_labels_are_a_list_of_their_own() {
        let list: LabelList = ["a", "", "bc", "d"].iter().collect();
        for count in 0..=4 {
            let first = list.first(count);
            assert_eq!(first.len(), count);
            assert_eq!(
                first.iter().collect::<Vec<_>>(),
                list.iter().take(count).collect::<Vec<_>>()
            );
            // Pushed onto, it goes on as the whole list does.
            let mut more = first.clone();
            more.extend(list.iter().skip(count));
            assert_eq!(more, list);
        }
        assert_eq!(list.first(9), list);
    }

    #[test]
    fn a_run_of_labels_is_found_where_it_is() {
        let list: LabelList = ["a", "b", "", "c"].iter().collect();
        assert!(list.has_at(0, &["a", "b"]));
        assert!(list.has_at(1, &["b", "", "c"]));
        assert!(list.has_at(4, &[] as &[&str]));
        assert!(!list.has_at(1, &["b", "c"]));
        assert!(!list.has_at(3, &["c", "d"]));
        assert!(!list.has_at(5, &[] as &[&str]));
        assert!(!list.has_at(usize::MAX, &["a"]));
        // `ab` then `c` is not `a` then `bc`, though the text is the same.
        let split: LabelList = ["ab", "c"].iter().collect();
        assert!(!split.has_at(0, &["a", "bc"]));
    }
}
