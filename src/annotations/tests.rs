//! Highlights: the passage a range shows, finding it again after edits,
//! and merging two copies.

use proptest::prelude::*;

use super::*;
use crate::parse::parse;

/// An article of three sections of distinct paragraphs.
fn article() -> String {
    String::from(
        "# The Long Article\n\n\
         Intro paragraph before any section.\n\n\
         ## Origins\n\n\
         The village woke early, long before the bells of the old church rang.\n\n\
         Nobody remembered who first proposed *the plan*, only that it spread \
         from the [mill](https://example.com/mill) to the square.\n\n\
         Letters went back and forth across the valley for most of a year.\n\n\
         ## Birth of the Opposition\n\n\
         In spring the river rose and took the lower bridge with it again.\n\n\
         Some argued for patience; others wanted to march on the capital.\n\n\
         ## Aftermath\n\n\
         The trials that followed were short, loud and mostly for show.\n\n\
         What remains is a square, a plaque and a song the children still sing.\n",
    )
}

/// The highlight of the first occurrence of `needle` in `src`.
fn mark(src: &str, needle: &str) -> Highlight {
    let start = src.find(needle).expect("needle in article");
    Highlight::new(&parse(src), start..start + needle.len(), 1, 100).expect("a passage")
}

fn locate(h: &Highlight, src: &str) -> Located {
    let doc = parse(src);
    let found = Locator::new(&doc, src).locate(h);
    if let Some(r) = &found.range {
        assert!(r.start <= r.end && r.end <= src.len(), "{r:?}");
        assert!(src.is_char_boundary(r.start) && src.is_char_boundary(r.end));
    }
    found
}

/// The passage shown for the range `h` was found at in `src`.
fn shown_at(h: &Highlight, src: &str) -> (String, Found) {
    let found = locate(h, src);
    let text = found
        .range
        .map(|r| passage(&parse(src), r))
        .unwrap_or_default();
    (text, found.how)
}

const PLAN: &str = "Nobody remembered who first proposed *the plan*, only that it spread";

#[test]
fn a_passage_is_the_text_shown_without_markup_or_link_targets() {
    let src = article();
    let start = src.find("proposed").unwrap();
    let end = src.find(" to the square").unwrap() + " to the square".len();
    let h = Highlight::new(&parse(&src), start..end, 2, 100).unwrap();
    assert_eq!(
        h.text,
        "proposed the plan, only that it spread from the mill to the square"
    );
    assert_eq!(h.start.byte, start);
    assert_eq!(h.end.byte, end);
    assert_eq!(h.start.section.as_deref(), Some("origins"));
    assert_eq!((h.color, h.created, h.deleted), (2, 100, None));
}

#[test]
fn a_passage_across_blocks_joins_them_with_a_space() {
    let src = article();
    let start = src.find("for most of a year").unwrap();
    let end = src.find("In spring the").unwrap() + "In spring the".len();
    let text = passage(&parse(&src), start..end);
    assert_eq!(
        text,
        "for most of a year. Birth of the Opposition In spring the"
    );
}

#[test]
fn a_passage_across_blocks_is_exported_a_paragraph_to_a_line() {
    let src = article();
    let start = src.find("for most of a year").unwrap();
    let end = src.find("In spring the").unwrap() + "In spring the".len();
    let doc = parse(&src);
    assert_eq!(
        passage_in_paragraphs(&doc, start..end),
        "for most of a year.\nBirth of the Opposition\nIn spring the"
    );
    let mut all = Highlights::default();
    all.add(Highlight::new(&doc, start..end, 1, 100).unwrap());
    let views = all.views(&doc, &src);
    assert_eq!(
        views[0].text,
        "for most of a year. Birth of the Opposition In spring the"
    );
    assert_eq!(
        views[0].paragraphs,
        "for most of a year.\nBirth of the Opposition\nIn spring the"
    );
    // Changed since it was saved: the passage as saved, on its line.
    let edited = src.replace("In spring the river", "In spring the stream");
    let edited = edited.replace("for most of a year", "for most of one year");
    let views = all.views(&parse(&edited), &edited);
    assert_eq!(views[0].paragraphs, views[0].text);
    // Within one paragraph, the one line.
    let mut one = Highlights::default();
    one.add(mark(&src, "The village woke early"));
    assert_eq!(
        one.views(&doc, &src)[0].paragraphs,
        "The village woke early"
    );
}

#[test]
fn a_range_with_no_text_shown_makes_no_highlight() {
    let src = "Some **bold** words.\n\n---\n\nMore.\n";
    let doc = parse(src);
    let rule = src.find("---").unwrap();
    assert_eq!(Highlight::new(&doc, rule..rule + 3, 0, 1), None);
    assert_eq!(Highlight::new(&doc, 4..4, 0, 1), None);
    // The markup around a word is not part of it: the passage is the word.
    let h = Highlight::new(&doc, 5..13, 0, 1).unwrap();
    assert_eq!(h.text, "bold");
    assert_eq!((h.start.byte, h.end.byte), (7, 11));
}

#[test]
fn cjk_emoji_and_rtl_passages_keep_their_characters() {
    let src = "前の文。漢字の文はここです。\n\nשלום עולם and 👩‍🔬 too.\n";
    let doc = parse(src);
    let h = Highlight::new(&doc, 0..src.len(), 0, 1).unwrap();
    assert_eq!(h.text, "前の文。漢字の文はここです。 שלום עולם and 👩‍🔬 too.");
    let edited = format!("新しい段落。\n\n{src}");
    assert_eq!(shown_at(&h, &edited), (h.text.clone(), Found::Text));
}

#[test]
fn in_the_same_article_a_highlight_is_its_own_bytes() {
    let src = article();
    let h = mark(&src, PLAN);
    let found = locate(&h, &src);
    assert_eq!(found.how, Found::Exact);
    assert_eq!(found.range, Some(h.start.byte..h.end.byte));
}

#[test]
fn text_inserted_before_moves_it() {
    let src = article();
    let h = mark(&src, PLAN);
    let edited = src.replace(
        "Intro paragraph",
        "A new opening.\n\nAnd another, quite long, written later.\n\nIntro paragraph",
    );
    let (text, how) = shown_at(&h, &edited);
    assert_eq!((text, how), (h.text.clone(), Found::Text));
}

#[test]
fn text_deleted_around_it_leaves_it() {
    let src = article();
    let h = mark(&src, PLAN);
    let edited = src
        .replace(
            "The village woke early, long before the bells of the old church rang.\n\n",
            "",
        )
        .replace(
            "Letters went back and forth across the valley for most of a year.\n\n",
            "",
        )
        .replace(
            ", only that it spread from the",
            ", only that it spread; from the",
        );
    let (text, how) = shown_at(&h, &edited);
    assert_eq!((text, how), (h.text.clone(), Found::Text));
}

#[test]
fn a_change_inside_is_found_approximately() {
    let src = article();
    let h = mark(&src, PLAN);
    let edited = src.replace("who first proposed", "who had first put forward");
    let (text, how) = shown_at(&h, &edited);
    assert_eq!(how, Found::Fuzzy);
    assert_eq!(
        text,
        "Nobody remembered who had first put forward the plan, only that it spread"
    );
}

#[test]
fn a_moved_section_takes_its_highlights_along() {
    let src = article();
    let h = mark(
        &src,
        "In spring the river rose and took the lower bridge with it again.",
    );
    let start = src.find("## Birth").unwrap();
    let end = src.find("## Aftermath").unwrap();
    let moved = format!("{}{}\n{}", &src[..start], &src[end..], &src[start..end]);
    let found = locate(&h, &moved);
    assert_eq!(found.how, Found::Text);
    let r = found.range.unwrap();
    assert_eq!(r.start, moved.find("In spring").unwrap());
    assert_eq!(&moved[r], h.text);
}

#[test]
fn a_deleted_passage_is_kept_and_marked_not_found() {
    let src = article();
    let h = mark(&src, PLAN);
    let start = src.find("Nobody").unwrap();
    let end = src.find("Letters went").unwrap();
    let edited = format!("{}{}", &src[..start], &src[end..]);
    assert_eq!(locate(&h, &edited), Located::not_found());
    let mut all = Highlights::default();
    let id = all.add(h);
    let views = all.views(&parse(&edited), &edited);
    assert_eq!(views.len(), 1);
    assert_eq!(views[0].id, id);
    assert!(!views[0].found());
    assert_eq!(views[0].section.as_deref(), Some("Origins"));
    assert_eq!(views[0].section_id.as_deref(), Some("origins"));
}

#[test]
fn a_passage_rewritten_beyond_the_bound_is_not_found() {
    let src = article();
    let h = mark(
        &src,
        "Some argued for patience; others wanted to march on the capital.",
    );
    let edited = src.replace(
        "Some argued for patience; others wanted to march on the capital.",
        "Several urged waiting, while the rest demanded an advance on the city.",
    );
    assert_eq!(locate(&h, &edited).how, Found::NotFound);
}

#[test]
fn a_repeated_passage_is_found_nearest_where_it_was() {
    let para = "The same sentence, repeated many times over in this article.\n\n";
    let src = para.repeat(10);
    let at = para.len() * 6;
    let h = Highlight::new(&parse(&src), at..at + para.len() - 2, 0, 1).unwrap();
    let longer = format!("Preface.\n\n{src}");
    let found = locate(&h, &longer);
    assert_eq!(found.how, Found::Text);
    assert_eq!(found.range.unwrap().start, "Preface.\n\n".len() + at);
}

#[test]
fn a_long_passage_changed_inside_is_found_by_its_head_and_tail() {
    let words: Vec<String> = (0..120).map(|i| format!("word{i}")).collect();
    let src = format!("# T\n\n{}.\n\nAfter.\n", words.join(" "));
    let start = src.find("word3 ").unwrap();
    let end = src.find("word110").unwrap() + "word110".len();
    let h = Highlight::new(&parse(&src), start..end, 0, 1).unwrap();
    assert!(h.text.chars().count() > 2 * FUZZY_PIECE);
    let edited = src.replace("word60 word61", "a new phrase here");
    let (text, how) = shown_at(&h, &edited);
    assert_eq!(how, Found::Fuzzy);
    assert!(text.starts_with("word3 word4"), "{text}");
    assert!(text.ends_with("word109 word110"), "{text}");
}

#[test]
fn edits_change_one_highlight_and_deleting_leaves_a_tombstone() {
    let src = article();
    let mut all = Highlights::default();
    let id = all.add(mark(&src, PLAN));
    assert!(all.set_note(&id, Some("why it spread".into()), 100));
    assert!(all.set_color(&id, 9, 100));
    let h = all.get(&id).unwrap();
    assert_eq!(
        (h.note.as_deref(), h.color),
        (Some("why it spread"), COLORS)
    );
    // Two edits in one second are still ordered.
    assert!(h.note_edited > 100);
    assert!(!all.set_note("nope", None, 100));
    assert!(all.delete(&id, 200));
    assert!(!all.delete(&id, 201), "already deleted");
    assert!(all.is_empty());
    assert_eq!(all.all().len(), 1, "the tombstone stays");
    assert!(!all.set_note(&id, None, 300), "a tombstone is not edited");
    let back = all.undelete(&id, 300).unwrap();
    assert_ne!(back, id);
    let h = all.get(&back).unwrap();
    assert_eq!(h.note.as_deref(), Some("why it spread"));
    assert_eq!(all.live().count(), 1);
    assert_eq!(all.undelete(&back, 301), None, "not deleted");
}

#[test]
fn a_merge_keeps_a_deletion_and_the_newer_note() {
    let src = article();
    let mut ours = Highlights::default();
    let a = ours.add(mark(&src, PLAN));
    let b = ours.add(mark(&src, "Letters went back and forth"));
    let mut theirs = ours.clone();
    ours.set_note(&a, Some("ours, later".into()), 500);
    theirs.set_note(&a, Some("theirs, earlier".into()), 400);
    theirs.delete(&b, 450);
    let c = theirs.add(mark(&src, "The trials that followed"));
    for merged in [ours.merge(&theirs), theirs.merge(&ours)] {
        assert_eq!(merged.get(&a).unwrap().note.as_deref(), Some("ours, later"));
        assert!(merged.get(&b).unwrap().is_deleted());
        assert!(merged.get(&c).is_some());
        assert_eq!(merged.live().count(), 2);
    }
}

#[test]
fn a_note_cleared_in_the_same_second_as_it_was_saved_stays_cleared() {
    let src = article();
    let mut ours = Highlights::default();
    let a = ours.add(mark(&src, PLAN));
    ours.set_note(&a, Some("first".into()), 100);
    let saved = ours.clone();
    ours.set_note(&a, None, 100);
    assert_eq!(saved.merge(&ours).get(&a).unwrap().note, None);
}

#[test]
fn highlights_round_trip_through_json_and_tombstones_say_when() {
    let src = article();
    let mut all = Highlights::default();
    let a = all.add(mark(&src, PLAN));
    all.add(mark(&src, "The trials"));
    all.delete(&a, 900);
    let json = serde_json::to_string(&all).unwrap();
    assert!(json.starts_with('['), "{json}");
    assert!(json.contains("\"deleted\":900"), "{json}");
    assert_eq!(serde_json::from_str::<Highlights>(&json).unwrap(), all);
    // A minimal highlight, as an older or hand-written record has it.
    let h = &all.all()[1];
    let minimal = serde_json::json!([{
        "id": "x1", "start": h.start, "end": h.end, "text": h.text, "created": 5
    }]);
    let read: Highlights = serde_json::from_value(minimal).unwrap();
    let h = &read.all()[0];
    assert_eq!((h.color, &h.note, h.deleted), (0, &None, None));
}

#[test]
fn colour_names_follow_the_default_colours() {
    let names: Vec<&str> = (0..=COLORS).map(color_name).collect();
    assert_eq!(names, ["yellow", "yellow", "green", "blue", "pink"]);
}

#[test]
fn approximate_matching_is_bounded_and_prefers_the_nearest() {
    let hay: Vec<(usize, char)> = "abcXdef abcdef".char_indices().collect();
    let needle: Vec<char> = "abcdef".chars().collect();
    assert_eq!(approximate(&needle, &hay, 0, 0), Some((8, 14, 0)));
    assert_eq!(approximate(&needle, &hay, 1, 0), Some((8, 14, 0)));
    let hay: Vec<(usize, char)> = "abcXdef".char_indices().collect();
    assert_eq!(approximate(&needle, &hay, 1, 0), Some((0, 7, 1)));
    assert_eq!(approximate(&needle, &hay, 0, 0), None);
    let hay: Vec<(usize, char)> = "abcdef zz abcdef".char_indices().collect();
    assert_eq!(approximate(&needle, &hay, 0, 12), Some((10, 16, 0)));
}

/// A long article of distinct paragraphs, with sections.
fn long_article(paragraphs: usize) -> String {
    let mut src = String::from("# A Long Article\n\n");
    for i in 0..paragraphs {
        if i % 50 == 0 {
            src.push_str(&format!("## Part {}\n\n", i / 50));
        }
        src.push_str(&format!(
            "Paragraph {i} tells of the {i}th day, when the *rain* came \
             down on roof number {i} and nobody went out.\n\n"
        ));
    }
    src
}

/// An edit far from the passages: each is found where it was, or where it
/// was moved by the edit's length, by reading only the blocks there. The
/// text of the whole article is gathered only for a passage that changed.
#[test]
fn an_edit_elsewhere_reads_no_more_than_the_passages() {
    let src = long_article(4000);
    assert!(src.len() > 400_000);
    let doc = parse(&src);
    let marks: Vec<Highlight> = [10, 1200, 2500, 3990]
        .iter()
        .map(|i| mark(&src, &format!("Paragraph {i} tells of the {i}th day")))
        .collect();
    // A paragraph inserted near the start, and one changed near the end
    // (after the last passage).
    let edited = src
        .replacen(
            "Paragraph 3 tells",
            "A new paragraph, written later.\n\nParagraph 3 tells",
            1,
        )
        .replacen("roof number 3995 and", "roof number 3995, the last, and", 1);
    let edited_doc = parse(&edited);
    let locator = Locator::new(&edited_doc, &edited);
    for h in &marks {
        let found = locator.locate(h);
        assert_eq!(found.how, Found::Text, "{}", h.text);
        assert_eq!(passage(&edited_doc, found.range.unwrap()), h.text);
    }
    assert!(locator.whole.get().is_none(), "the whole text was gathered");
    // A passage changed inside is searched for, approximately.
    let changed = edited.replacen(
        "when the *rain* came down on roof number 1200",
        "when the *rains* came down on roof number 1200",
        1,
    );
    let changed_doc = parse(&changed);
    let locator = Locator::new(&changed_doc, &changed);
    assert_eq!(locator.locate(&marks[0]).how, Found::Text);
    assert!(locator.whole.get().is_none());
    let h = mark(
        &src,
        "Paragraph 1200 tells of the 1200th day, when the *rain* came down",
    );
    let found = locator.locate(&h);
    assert_eq!(found.how, Found::Fuzzy);
    assert!(passage(&changed_doc, found.range.unwrap()).contains("when the rains came down"),);
    assert!(doc.blocks.len() < changed_doc.blocks.len());
}

/// Within the bound of edits, another sentence that shares a few letters
/// with a changed passage, far from where the text around the passage
/// says it is, is not taken for it; a passage found approximately holds
/// whole words.
#[test]
fn an_approximate_match_keeps_the_passage_s_words() {
    let filler: String = (0..40)
        .map(|i| format!("Paragraph {i} says little of note, and says it plainly.\n\n"))
        .collect();
    let src = format!(
        "# Council\n\nThe Council may invite Council representatives, moderation team \
         members, and other guests.\n\n{filler}While a team lead might also make a good \
         Council representative, serving as both is discouraged.\n"
    );
    let h = mark(&src, "Council representatives, moderation");
    let edited = src.replace(
        "Council representatives, moderation team",
        "Council reps, moderation team",
    );
    assert_eq!(locate(&h, &edited).how, Found::NotFound);
    // A smaller change is found, on whole words.
    let edited = src.replace(
        "Council representatives, moderation team",
        "Council representative, moderator team",
    );
    assert_eq!(
        shown_at(&h, &edited),
        (
            "Council representative, moderator".to_string(),
            Found::Fuzzy
        )
    );
}

#[test]
fn a_range_is_grown_to_whole_words() {
    let text = "a serving of soup";
    assert_eq!(&text[whole_words(text, 4..8)], "serving");
    assert_eq!(&text[whole_words(text, 1..8)], " serving");
    assert_eq!(&text[whole_words(text, 3..10)], "serving ");
    assert_eq!(&text[whole_words(text, 2..9)], "serving");
    // Each Chinese or Japanese character is a word of its own.
    let text = "東京は日本の首都";
    assert_eq!(&text[whole_words(text, 3..9)], "京は");
}

/// The approximate search looks only so far from where a passage should
/// be: a changed copy of it far away is not found.
#[test]
fn an_approximate_search_is_bounded() {
    let filler: String = (0..1000)
        .map(|i| format!("Nothing to see here, move along, number {i}.\n\n"))
        .collect();
    let passage = "The lighthouse keeper counted seventeen ships before the storm.";
    let src = format!("# Far\n\n{filler}{passage}\n\n{filler}");
    let h = mark(&src, passage);
    let changed = "The lighthouse keeper counted sixteen ships before the storm.";
    // The passage changed where it was is found, approximately.
    let near = src.replace(passage, changed);
    assert_eq!(shown_at(&h, &near), (changed.to_string(), Found::Fuzzy));
    // Changed and moved to the end, past the bound, it is not.
    let far = format!("{}{changed}\n", src.replace(&format!("{passage}\n\n"), ""));
    let distance = far.rfind(changed).unwrap() - src.find(passage).unwrap();
    assert!(distance > FUZZY_CELLS / h.text.len(), "{distance}");
    assert_eq!(locate(&h, &far).how, Found::NotFound);
}

/// The edit-distance table worked out whole: what `approximate` must
/// give, with its cut-off.
fn approximate_whole(
    needle: &[char],
    hay: &[(usize, char)],
    max: usize,
    near: usize,
) -> Option<(usize, usize, usize)> {
    let m = needle.len();
    let mut table = vec![vec![(0usize, 0usize); hay.len() + 1]; m + 1];
    for (i, row) in table.iter_mut().enumerate() {
        row[0] = (i, 0);
    }
    for j in 1..=hay.len() {
        table[0][j] = (0, j);
        for i in 1..=m {
            let (d, df) = table[i - 1][j - 1];
            let (u, uf) = table[i][j - 1];
            let (l, lf) = table[i - 1][j];
            let mut best = (d + usize::from(needle[i - 1] != hay[j - 1].1), df);
            if u + 1 < best.0 {
                best = (u + 1, uf);
            }
            if l + 1 < best.0 {
                best = (l + 1, lf);
            }
            table[i][j] = best;
        }
    }
    let rank = |(s, e, k): (usize, usize, usize)| (k, s.abs_diff(near), e - s);
    (1..=hay.len())
        .filter(|&j| table[m][j].0 <= max)
        .map(|j| (table[m][j].1, j, table[m][j].0))
        .fold(None, |best: Option<(usize, usize, usize)>, c| {
            Some(best.map_or(c, |b| if rank(c) < rank(b) { c } else { b }))
        })
        .filter(|&(s, e, _)| s < e)
}

/// Small highlight sets over a few ids, with random edits and deletions,
/// as two processes would leave them.
fn highlight_set() -> impl Strategy<Value = Highlights> {
    let src = article();
    let doc = parse(&src);
    let base = Highlight::new(&doc, 0..40, 0, 1).unwrap();
    prop::collection::vec(
        (
            0usize..6,
            0u64..5,
            prop::option::of("[a-c]{0,2}"),
            0u64..5,
            0u8..5,
            prop::option::of(0u64..5),
        ),
        0..8,
    )
    .prop_map(move |items| {
        let mut out = Vec::new();
        for (id, note_edited, note, color_edited, color, deleted) in items {
            let id = format!("h{id}");
            if out.iter().any(|h: &Highlight| h.id == id) {
                continue;
            }
            out.push(Highlight {
                id,
                note,
                note_edited,
                color,
                color_edited,
                deleted,
                ..base.clone()
            });
        }
        // As a record holds them: merged, so sorted.
        Highlights(out).merge(&Highlights::default())
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn merge_is_commutative(a in highlight_set(), b in highlight_set()) {
        prop_assert_eq!(a.merge(&b), b.merge(&a));
    }

    #[test]
    fn merge_is_idempotent(a in highlight_set(), b in highlight_set()) {
        prop_assert_eq!(a.merge(&a), a.clone());
        let ab = a.merge(&b);
        prop_assert_eq!(ab.merge(&b), ab.clone());
        prop_assert_eq!(ab.merge(&a), ab);
    }

    #[test]
    fn merge_is_associative(a in highlight_set(), b in highlight_set(), c in highlight_set()) {
        prop_assert_eq!(a.merge(&b).merge(&c), a.merge(&b.merge(&c)));
    }

    /// A tombstone on either side wins, and nothing is lost: every id of
    /// either side is in the merge.
    #[test]
    fn merge_respects_tombstones_and_loses_nothing(a in highlight_set(), b in highlight_set()) {
        let m = a.merge(&b);
        for h in a.all().iter().chain(b.all()) {
            let kept = m.get(&h.id).expect("kept");
            if h.is_deleted() {
                prop_assert!(kept.is_deleted());
            }
            prop_assert!(kept.note_edited >= h.note_edited);
        }
    }

    /// Text inserted anywhere outside a passage leaves it found, with the
    /// same text.
    #[test]
    fn a_passage_survives_insertions_outside_it(
        pick in 0usize..5,
        at in 0usize..10_000,
        insert in "[a-z]{1,8}( [a-z]{1,8}){0,6}",
    ) {
        let src = article();
        let passages = [
            PLAN,
            "Intro paragraph before",
            "Letters went back and forth across the valley",
            "a plaque and a song",
            "took the lower bridge",
        ];
        let h = mark(&src, passages[pick]);
        // Insert at a paragraph break before or after the passage.
        let breaks: Vec<usize> = src.match_indices("\n\n").map(|(i, _)| i).collect();
        let at = breaks[at % breaks.len()];
        let edited = format!("{}\n\n{insert}.{}", &src[..at], &src[at..]);
        let found = locate(&h, &edited);
        prop_assert_eq!(found.how, Found::Text);
        prop_assert_eq!(passage(&parse(&edited), found.range.unwrap()), h.text);
    }

    /// The cut-off leaves out only cells over the bound: the best match is
    /// the one the whole table gives.
    #[test]
    fn the_cut_off_finds_what_the_whole_table_finds(
        needle in "[ab ]{1,12}",
        hay in "[abc ]{0,40}",
        max in 0usize..5,
        near in 0usize..40,
    ) {
        let needle: Vec<char> = needle.chars().collect();
        let hay: Vec<(usize, char)> = hay.char_indices().collect();
        prop_assert_eq!(
            approximate(&needle, &hay, max, near),
            approximate_whole(&needle, &hay, max, near)
        );
    }

    /// Whatever the edit, a located highlight is inside the article and
    /// on char boundaries (checked by `locate`).
    #[test]
    fn any_edit_locates_in_bounds(
        cut in 0usize..2000,
        len in 0usize..200,
        insert in "[a-z漢字👩‍🔬 *\n#]{0,30}",
        pick in 0usize..3,
    ) {
        let src = article();
        let h = mark(&src, [PLAN, "The trials that followed", "bridge"][pick]);
        let mut cut = cut % src.len();
        while !src.is_char_boundary(cut) { cut -= 1; }
        let mut end = (cut + len).min(src.len());
        while !src.is_char_boundary(end) { end -= 1; }
        let edited = format!("{}{insert}{}", &src[..cut], &src[end..]);
        let _ = locate(&h, &edited);
    }
}

/// A sentence said twice, a pull quote above and in a paragraph below:
/// the copy that was highlighted is found after an edit that moves it
/// far from where the length's change puts it (a long end cut off), by
/// the text that followed it.
#[test]
fn a_passage_said_twice_is_found_at_the_copy_it_was_made_on() {
    let said = "Good typography is invisible until it is missing.";
    let filler = "Words that fill the column and keep the reader going. ".repeat(6);
    let body = format!(
        "# Columns\n\n{filler}\n\n## The argument\n\n{filler}\n\n> {said}\n\n{filler}\n\n\
         Every designer learns this sooner or later. {said} The rest explains why.\n\n\
         {filler}\n\n"
    );
    let comments = format!("## Comments\n\n{}\n", format!("{filler}\n\n").repeat(12));
    let src = format!("{body}{comments}");
    let start = src.rfind(said).unwrap();
    let h = Highlight::new(&parse(&src), start..start + said.len(), 1, 100).unwrap();
    // One word changed at the top, the comments gone.
    let edited = body.replacen("Words that", "Words which", 1);
    let found = locate(&h, &edited);
    let at = found.range.expect("found").start;
    assert_eq!(at, edited.rfind(said).unwrap(), "the pull quote is not it");
    assert_eq!(found.how, Found::Text);
}
