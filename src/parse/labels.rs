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
    }
}
