//! Page furniture in a plain-text article: the lines that came with the page
//! rather than the article. A Project Gutenberg header and licence, the
//! running heads, page footers and form feeds of an RFC, a mail-style header
//! (`Title:`, `Author:`), an address block with e-mails, a copyright or
//! licence notice, and the odd lines a pasted web page brings along: photo
//! credits, `Filed under`, share and related-post lines, cookie notices,
//! newsletter boxes. This module only finds them, line by line; the parser
//! dims them and keeps them out of the outline and the word count. Nothing
//! is dropped, but for a page break that cuts a paragraph in two: the
//! parser joins the halves and leaves out the page's furniture between.

use std::collections::HashMap;

/// Which lines of the text are furniture. `raw` is each whole line, `text`
/// the same line trimmed.
pub(super) fn furniture(raw: &[&str], text: &[&str]) -> Vec<bool> {
    let mut dim = vec![false; text.len()];
    gutenberg(text, &mut dim);
    let heads = page_breaks(raw, text, &mut dim);
    first_running_head(text, &heads, &mut dim);
    mail_header(text, &mut dim);
    top_block(text, &mut dim);
    author_boxes(text, &mut dim);
    let all = chunks(text);
    for (c, chunk) in all.iter().cloned().enumerate() {
        let lines = &text[chunk.clone()];
        if chunk_is_furniture(lines) {
            // An RFC's `EMail:` and `Phone:` under the address they go
            // with, a blank line between: the address is the block's too.
            if lines.iter().all(|l| is_contact_field(l))
                && let Some(above) = c.checked_sub(1).map(|p| all[p].clone())
                && is_address_lines(&text[above.clone()])
            {
                dim[above].fill(true);
            }
            dim[chunk].fill(true);
        } else if !is_wrapped_prose(lines) {
            // A stack of lines that are not one paragraph's hard wraps (a
            // page's navigation, a share box): each is judged on its own.
            // A wrapped line that starts in lower case continues a
            // sentence.
            for (i, line) in chunk.clone().zip(lines) {
                dim[i] |= !line.starts_with(char::is_lowercase) && is_furniture_line(line);
                // A post's date, unless it goes with the byline over it
                // (a blank line between them or not).
                let above = (i.saturating_sub(3)..i)
                    .rev()
                    .find(|&j| !text[j].is_empty());
                let byline = above.is_some_and(|j| {
                    let above = text[j].to_lowercase();
                    ["by ", "written by ", "posted by "]
                        .iter()
                        .any(|p| above.starts_with(p))
                });
                dim[i] |= is_date_line(line) && !byline;
            }
            for run in menus(lines) {
                dim[chunk.start + run.start..chunk.start + run.end].fill(true);
            }
        }
    }
    site_header(text, &mut dim);
    topic_tags(text, &mut dim);
    dim
}

/// The site's header at the top of a pasted page that opens with furniture
/// (a cookie banner, a skip link): the lines between that and the site's
/// menu under it (the site's name, a tagline, a sign-up pitch) are the
/// header too. An article's title comes under a site's menu, not over it.
fn site_header(text: &[&str], dim: &mut [bool]) {
    let Some(chunk) = chunks(text).into_iter().next() else {
        return;
    };
    if !dim[chunk.start] {
        return;
    }
    let lines = &text[chunk.clone()];
    if let Some(menu) = menus(lines).first() {
        dim[chunk.start..chunk.start + menu.start].fill(true);
    }
}

/// Topic tags over a title at the top of a magazine page (`chaos theory`,
/// `climate`): a line of one to three words, all in lower case and without
/// punctuation, that comes after page furniture (or opens the page) and
/// stands right over a line that starts with a capital. Only before the
/// first paragraph of running text: below it, such a line is a sentence's
/// end or a line of verse.
fn topic_tags(text: &[&str], dim: &mut [bool]) {
    let opening = (0..text.len())
        .find(|&i| text[i].chars().count() >= 100)
        .unwrap_or(text.len());
    for i in 0..opening.saturating_sub(1) {
        let after_furniture = (0..i)
            .rev()
            .find(|&j| !text[j].is_empty())
            .is_none_or(|j| dim[j]);
        let over_title =
            !dim[i + 1] && text[i + 1].starts_with(char::is_uppercase) && !text[i + 1].is_empty();
        if !dim[i] && after_furniture && over_title && is_topic_tag(text[i]) {
            dim[i] = true;
        }
    }
}

/// `chaos theory`, `machine learning`: a few words of lower-case letters.
fn is_topic_tag(line: &str) -> bool {
    let words: Vec<&str> = line.split_whitespace().collect();
    (1..=3).contains(&words.len())
        && words.iter().all(|w| {
            w.chars().all(|c| c.is_lowercase() || c == '-') && w.starts_with(char::is_lowercase)
        })
}

/// Fewer lines than this in a row are not a menu: a kicker over a title,
/// a short list, a stanza.
const MENU_LINES: usize = 5;

/// The runs of a stack of lines that are a site's menu or a topic list:
/// at least `MENU_LINES` items in a row (see `is_menu_item`), half of
/// them or more names in capitals (`Engineering`, `About Us`, `Log In`).
fn menus(lines: &[&str]) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let run = lines[i..].iter().take_while(|l| is_menu_item(l)).count();
        if run == 0 {
            i += 1;
            continue;
        }
        let named = lines[i..i + run].iter().filter(|l| is_name(l)).count();
        if run >= MENU_LINES && named * 2 >= run {
            out.push(i..i + run);
        }
        i += run;
    }
    out
}

/// A line that could be an item of a menu: a few words that start with a
/// capital or a digit and do not end a sentence or run on (`Top 3%`,
/// `Filter by`, `Copied!`), or items glued together by a copy from the
/// browser (`AllEngineeringDesign`).
fn is_menu_item(line: &str) -> bool {
    let words = line.split_whitespace().count();
    (1..=4).contains(&words)
        && line.chars().count() <= 60
        // Not a row of a table laid out in columns.
        && !line.contains("   ")
        && line.starts_with(|c: char| c.is_uppercase() || c.is_ascii_digit())
        && !line.ends_with(['.', ',', ';', ':', '-', '—'])
}

/// A menu item that is a name: every word starts with a capital or a
/// digit, and it is not all capitals or figures (a book's contents in
/// capitals, Roman numerals, a program's output).
fn is_name(line: &str) -> bool {
    line.split_whitespace()
        .all(|w| w.starts_with(|c: char| c.is_uppercase() || c.is_ascii_digit()))
        && line.chars().any(char::is_lowercase)
}

/// A mail-style header at the top (`PEP: 8`, `Title: …`, `Author: …`): the
/// value of one of its fields.
pub(super) fn header_field<'s>(text: &[&'s str], field: &str) -> Option<&'s str> {
    let end = mail_header_end(text)?;
    text[..end].iter().find_map(|line| {
        let (key, value) = line.split_once(':')?;
        key.eq_ignore_ascii_case(field).then(|| value.trim())
    })
}

/// The `Title:` or `Author:` of a Project Gutenberg header: the book's
/// own record, which names it better than its title page (set in
/// capitals, or with the title and `by` on lines of their own) does.
pub(super) fn gutenberg_field<'s>(text: &[&'s str], field: &str) -> Option<&'s str> {
    let start = text
        .iter()
        .position(|l| is_gutenberg_marker(l, "START OF"))?;
    text[..start].iter().find_map(|line| {
        let (key, value) = line.split_once(':')?;
        let value = value.trim();
        (key.eq_ignore_ascii_case(field) && !value.is_empty()).then_some(value)
    })
}

/// A line of Project Gutenberg's own, `*** START OF …` or `*** END OF …`.
fn is_gutenberg_marker(line: &str, word: &str) -> bool {
    let upper = line.to_uppercase();
    line.starts_with("***") && upper.contains(word) && upper.contains("PROJECT GUTENBERG")
}

/// The runs of non-blank lines, as ranges of line indices.
fn chunks(text: &[&str]) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, line) in text.iter().enumerate() {
        match (line.is_empty(), start) {
            (false, None) => start = Some(i),
            (true, Some(s)) => {
                out.push(s..i);
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push(s..text.len());
    }
    out
}

/// The Project Gutenberg header (to its `*** START OF …` line, and the
/// producer's credits under it) and footer (from `*** END OF …` or `End of
/// Project Gutenberg's …`, with the licence). A publisher's advertisement
/// between a book's `THE END` and the footer goes with the footer.
fn gutenberg(text: &[&str], dim: &mut [bool]) {
    let marker = is_gutenberg_marker;
    let Some(start) = text.iter().position(|l| marker(l, "START OF")) else {
        return;
    };
    dim[..=start].fill(true);
    let credits = (start + 1..text.len()).find(|&i| !text[i].is_empty());
    if let Some(c) = credits {
        let lower = text[c].to_lowercase();
        if [
            "produced by",
            "credits:",
            "e-text prepared by",
            "transcribed by",
        ]
        .iter()
        .any(|p| lower.starts_with(p))
        {
            let end = (c..text.len())
                .find(|&i| text[i].is_empty())
                .unwrap_or(text.len());
            dim[c..end].fill(true);
        }
    }
    let end = (start + 1..text.len()).find(|&i| {
        let lower = text[i].to_lowercase();
        marker(text[i], "END OF")
            || lower.starts_with("end of project gutenberg")
            || lower.starts_with("end of the project gutenberg")
    });
    let Some(end) = end else {
        return;
    };
    dim[end..].fill(true);
    // "THE END" in the last lines of the book: what follows is the
    // publisher's, not the author's.
    let tail = end.saturating_sub(((end - start) / 50).max(100)).max(start);
    if let Some(the_end) = (tail..end).find(|&i| text[i] == "THE END") {
        dim[the_end + 1..end].fill(true);
    }
}

/// Form feeds, page footers (`… [Page 12]`), and the running heads that
/// start the next page: lines that begin `RFC 1234`, or short lines that
/// come back verbatim on many pages. Returns the running heads found, with
/// how many pages each heads.
fn page_breaks<'s>(raw: &[&str], text: &[&'s str], dim: &mut [bool]) -> HashMap<&'s str, usize> {
    let mut heads: HashMap<&str, usize> = HashMap::new();
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for line in text.iter().filter(|l| !l.is_empty() && l.len() < 80) {
        *seen.entry(line).or_default() += 1;
    }
    let running = |line: &str| is_rfc_running_head(line) || seen.get(line).is_some_and(|&n| n >= 3);
    for i in 0..text.len() {
        // A form feed on a line of its own.
        let feed = raw[i].contains('\u{c}') && text[i].is_empty();
        let footer = is_page_footer(text[i]);
        if !feed && !footer {
            continue;
        }
        dim[i] = true;
        let mut j = i + 1;
        while j < text.len() && text[j].is_empty() {
            j += 1;
        }
        // Under a first running head, a short line seen on another page
        // too (the chapter's name) is one as well.
        for k in j..(j + 3).min(text.len()) {
            let more = k > j && text[k].len() < 40 && seen.get(text[k]).is_some_and(|&n| n >= 2);
            if text[k].is_empty() || !(running(text[k]) || more) {
                break;
            }
            dim[k] = true;
            *heads.entry(text[k]).or_default() += 1;
        }
    }
    heads
}

/// The running head of a paper's first numbered page, which no page break
/// comes before (the title page has no footer): a block of two lines or
/// more, each of which is a running head under a page break elsewhere
/// (`September 1981` / `Internet Protocol`).
fn first_running_head(text: &[&str], heads: &HashMap<&str, usize>, dim: &mut [bool]) {
    for chunk in chunks(text) {
        let lines = &text[chunk.clone()];
        if lines.len() >= 2
            && !dim[chunk.start]
            && lines.iter().all(|l| heads.get(l).is_some_and(|&n| n >= 2))
        {
            dim[chunk].fill(true);
        }
    }
}

/// Whether a line is where one page ends and the next begins: a form feed
/// or a page footer. A paragraph cut there goes on after the page's
/// furniture.
pub(super) fn is_page_break(raw: &str, text: &str) -> bool {
    (raw.contains('\u{c}') && text.is_empty()) || is_page_footer(text)
}

/// `Fette & Melnikov     Standards Track     [Page 12]`, or `[Page ii]`
/// alone.
fn is_page_footer(line: &str) -> bool {
    line.strip_suffix(']')
        .and_then(|l| l.rsplit_once("[Page "))
        .is_some_and(|(_, n)| !n.is_empty() && n.chars().all(|c| c.is_ascii_alphanumeric()))
}

/// `RFC 6455        The WebSocket Protocol        December 2011`.
fn is_rfc_running_head(line: &str) -> bool {
    let mut words = line.split_whitespace();
    words.next() == Some("RFC")
        && words
            .next()
            .is_some_and(|n| n.bytes().all(|b| b.is_ascii_digit()))
        && line.contains("   ")
}

/// The end of a mail-style header at the very top: three or more
/// `Field: value` lines, continued on indented lines.
fn mail_header_end(text: &[&str]) -> Option<usize> {
    let field = |line: &str| {
        line.split_once(": ").is_some_and(|(key, _)| {
            !key.is_empty()
                && key.len() <= 20
                && key.starts_with(|c: char| c.is_ascii_uppercase())
                && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        })
    };
    let first = text.iter().position(|l| !l.is_empty())?;
    let mut fields = 0;
    let mut end = first;
    while end < text.len() && !text[end].is_empty() {
        if field(text[end]) {
            fields += 1;
        } else if fields == 0 {
            return None;
        }
        end += 1;
    }
    (fields >= 3).then_some(end)
}

fn mail_header(text: &[&str], dim: &mut [bool]) {
    if let Some(end) = mail_header_end(text) {
        dim[..end].fill(true);
    }
}

/// The block at the very top of a memo or a pasted page that is laid out in
/// columns (`Network Working Group        G. Klyne`) or is a row of
/// bracketed links: what a document series or a site puts above the title.
fn top_block(text: &[&str], dim: &mut [bool]) {
    let Some(first) = text.iter().position(|l| !l.is_empty()) else {
        return;
    };
    let end = (first..text.len())
        .find(|&i| text[i].is_empty())
        .unwrap_or(text.len());
    let block = &text[first..end];
    let columns = block.iter().filter(|l| l.trim().contains("   ")).count();
    if columns >= 2 || columns * 2 > block.len() || is_link_row(block[0]) {
        dim[first..end].fill(true);
    }
}

/// `[Search] [txt|html] [Tracker]`: a row of site links.
fn is_link_row(line: &str) -> bool {
    line.starts_with('[') && line.ends_with(']') && line.matches("] [").count() >= 2
}

/// A paragraph hard-wrapped over these lines: most lines but the last run
/// close to a full width and break inside a sentence.
fn is_wrapped_prose(lines: &[&str]) -> bool {
    let Some((_, wraps)) = lines.split_last() else {
        return false;
    };
    let broken = wraps
        .iter()
        .filter(|l| l.chars().count() >= 40 && !l.ends_with(['.', '!', '?', ':', '"', '”', '’']))
        .count();
    !wraps.is_empty() && broken * 2 > wraps.len()
}

/// A line that is a date and nothing else, a post's or a memo's:
/// `Sunday, May 8, 2016`, `8 May 2016`, `September 1981`. A day and a
/// month without a year (a diary's `3 May`) is not one.
fn is_date_line(line: &str) -> bool {
    let lower = line.to_lowercase();
    let mut words: Vec<&str> = lower
        .trim_end_matches('.')
        .split([' ', ','])
        .filter(|w| !w.is_empty())
        .collect();
    if words
        .first()
        .is_some_and(|w| crate::calendar::DAYS.contains(w))
    {
        words.remove(0);
    }
    let year = |w: &str| w.len() == 4 && w.parse::<u16>().is_ok_and(|y| (1000..3000).contains(&y));
    let day = |w: &str| {
        let digits = ["st", "nd", "rd", "th"]
            .iter()
            .find_map(|s| w.strip_suffix(s))
            .unwrap_or(w);
        digits.parse::<u8>().is_ok_and(|d| (1..=31).contains(&d))
    };
    let month = |w: &str| crate::calendar::MONTHS.contains(&w);
    match words.as_slice() {
        [m, y] => month(m) && year(y),
        [a, b, y] => year(y) && ((month(a) && day(b)) || (day(a) && month(b))),
        _ => false,
    }
}

/// An author's box: a name over the author's role (`Joshua Sokol` /
/// `Contributing Correspondent`), a blank line between them or not.
fn author_boxes(text: &[&str], dim: &mut [bool]) {
    for i in 1..text.len() {
        if !is_staff_role(text[i]) {
            continue;
        }
        dim[i] = true;
        let name = (i.saturating_sub(2)..i)
            .rev()
            .find(|&j| !text[j].is_empty());
        if let Some(j) = name
            && (2..=4).contains(&text[j].split_whitespace().count())
            && text[j]
                .split_whitespace()
                .all(|w| w.starts_with(char::is_uppercase))
            && !text[j].ends_with(['.', ':', '!', '?'])
        {
            dim[j] = true;
        }
    }
}

/// An author's role under their name: `Staff Writer`, `Contributing
/// Correspondent`, `Senior Editor`.
fn is_staff_role(line: &str) -> bool {
    const RANK: &[&str] = &[
        "Staff",
        "Contributing",
        "Senior",
        "Special",
        "Associate",
        "Executive",
        "Managing",
        "Deputy",
        "Guest",
        "Freelance",
        "Chief",
    ];
    const ROLE: &[&str] = &[
        "Writer",
        "Correspondent",
        "Editor",
        "Reporter",
        "Columnist",
        "Contributor",
        "Journalist",
    ];
    let words: Vec<&str> = line.split_whitespace().collect();
    (2..=3).contains(&words.len())
        && RANK.contains(&words[0])
        && words.last().is_some_and(|w| ROLE.contains(w))
}

/// A run of lines that is furniture as a whole.
fn chunk_is_furniture(lines: &[&str]) -> bool {
    let first = lines[0];
    // A furniture line and the line under it (`Photo by` / the name),
    // unless that line is numbered as a section: it starts one.
    let numbered = |l: &str| super::heading::section_number(l).is_some_and(|(_, t)| !t.is_empty());
    if lines.len() <= 2 && is_furniture_line(first) && !lines[1..].iter().any(|l| numbered(l)) {
        return true;
    }
    let lower = first.to_lowercase();
    let copyright = (lower.starts_with("copyright") || first.starts_with('©'))
        && first.chars().any(|c| c.is_ascii_digit());
    let licence = lower.starts_with("permission is granted to")
        || lower.starts_with("this document has been placed in the public domain");
    let emacs = lines.contains(&"Local Variables:");
    (lines.len() <= 4 && copyright) || licence || emacs || is_address_block(lines)
}

/// An address block: a few short lines, one of them an e-mail address.
fn is_address_block(lines: &[&str]) -> bool {
    lines.len() <= 12
        && lines.iter().all(|l| l.chars().count() <= 60)
        && lines.iter().any(|l| {
            let lower = l.to_lowercase();
            lower.starts_with("email:") || lower.starts_with("e-mail:") || is_email(l)
        })
}

/// A contact field of an address (`EMail: …`, `Phone: …`, `Fax: …`), or
/// an e-mail address alone.
fn is_contact_field(line: &str) -> bool {
    let lower = line.to_lowercase();
    let field = lower.split_once(':').map(|(name, _)| name.trim());
    field.is_some_and(|f| {
        [
            "email", "e-mail", "phone", "tel", "fax", "uri", "url", "web",
        ]
        .contains(&f)
    }) || (is_email(line) && !line.trim().contains(' '))
}

/// The lines of a postal address: two to eight short lines, none ending a
/// sentence or opening a list.
fn is_address_lines(lines: &[&str]) -> bool {
    (2..=8).contains(&lines.len())
        && lines
            .iter()
            .all(|l| l.chars().count() <= 60 && !l.ends_with(['.', ':', '!', '?', ';']))
}

/// A line that is an e-mail address, or ends with one.
fn is_email(line: &str) -> bool {
    line.split_whitespace().last().is_some_and(|w| {
        let w = w.trim_matches(|c: char| matches!(c, '<' | '>' | '(' | ')' | ','));
        w.split_once('@').is_some_and(|(user, host)| {
            !user.is_empty() && host.contains('.') && !host.ends_with('.')
        })
    })
}

/// One line of web-page furniture: a photo credit, `Filed under`, a share,
/// related-post, cookie or newsletter line.
pub(super) fn is_furniture_line(line: &str) -> bool {
    let lower = line.to_lowercase();
    let lower = lower.trim_end_matches([':', '.', ' ']);
    if lower.contains("cookie")
        && [
            "accept",
            "you agree",
            "consent",
            "cookie policy",
            "cookie settings",
            "privacy policy",
            "this site",
            "this website",
            "our website",
        ]
        .iter()
        .any(|w| lower.contains(w))
        && line.chars().count() < 400
    {
        return true;
    }
    if line.chars().count() >= 100 {
        return false;
    }
    const EXACT: &[&str] = &[
        "share",
        "tweet",
        "email",
        "print",
        "copied!",
        "newsletter",
        "newsletters",
        "subscribe",
        "advertisement",
        "read later",
        "read more",
        "accept cookies",
        "no comments",
        "show comments",
        "comment on this article",
        "next article",
        "previous article",
        "older post",
        "newer post",
        "about us",
        "contact us",
        "privacy policy",
        "privacy settings",
        "terms of use",
        "terms of service",
        "do not sell my info",
        "skip to content",
        "skip to main content",
        "back to top",
        "sign me up",
        "load more",
        "tags",
        "topics",
        "about the author",
        "about the authors",
    ];
    const PREFIX: &[&str] = &[
        "filed under",
        "labels:",
        "tags:",
        "tagged:",
        "posted in ",
        "posted by ",
        "categories:",
        "share this",
        "share on ",
        "share to ",
        "share via ",
        "email this",
        "related posts",
        "related articles",
        "related stories",
        "read this next",
        "read next",
        "you may also like",
        "you might also like",
        "recommended for you",
        "more stories",
        "sign up for our",
        "subscribe to our",
        "subscribe now",
        "subscribe to:",
        "photo:",
        "photo by ",
        "photos by ",
        "photo credit",
        "photograph:",
        "photograph by ",
        "photography by ",
        "image:",
        "image by ",
        "image credit",
        "illustration:",
        "illustration by ",
        "credit:",
        "this article was reprinted",
        "this article was originally",
        "this article originally appeared",
        "this story was originally",
        "this story originally appeared",
        "a version of this article",
        "an earlier version of this",
    ];
    const INSIDE: &[&str] = &[
        "getty images",
        "delivered to your inbox",
        "all rights reserved",
        "/ap photo",
        "/reuters",
        // A graphic's credit: `5W Infographics for Quanta; sources: …`.
        "; sources:",
        "; source:",
    ];
    // A link to the article in another language.
    let translated = lower.starts_with("read ") && lower.contains(" version of this article");
    translated
        || is_staff_role(line)
        || EXACT.contains(&lower)
        || PREFIX.iter().any(|p| lower.starts_with(p))
        || INSIDE.iter().any(|p| lower.contains(p))
        || is_agency_credit(line)
        || is_reading_time(lower)
}

/// `12 minute read`, `5 min read`.
fn is_reading_time(lower: &str) -> bool {
    let Some((n, rest)) = lower.split_once(' ') else {
        return false;
    };
    n.bytes().all(|b| b.is_ascii_digit())
        && !n.is_empty()
        && ["min read", "minute read", "minutes read", "mins read"].contains(&rest)
}

/// A photo credit such as `Olena Shmahalo/Quanta Magazine`: a few
/// capitalised words with a slash between a name and an agency.
fn is_agency_credit(line: &str) -> bool {
    let words: Vec<&str> = line.split_whitespace().collect();
    // The slash follows a name of two words or more.
    let slash = line.char_indices().any(|(i, c)| {
        c == '/'
            && line[..i].contains(' ')
            && line[..i]
                .chars()
                .next_back()
                .is_some_and(char::is_alphabetic)
            && line[i + 1..].chars().next().is_some_and(char::is_uppercase)
    });
    slash
        && (2..=6).contains(&words.len())
        && words.iter().all(|w| {
            w.split('/')
                .all(|p| p.chars().next().is_some_and(|c| c.is_uppercase()))
        })
}

/// A section that holds only the publisher's notices, whose body is dimmed
/// under its heading: the status and copyright sections of an RFC.
pub(super) fn is_notice_section(title: &str) -> bool {
    let lower = title.to_lowercase();
    [
        "status of this memo",
        "copyright notice",
        "full copyright statement",
        "intellectual property",
        "acknowledgement",
    ]
    .contains(&lower.as_str())
}

/// The first line of trailing page furniture: a comment form, share
/// buttons, related links, a newsletter box. From there to the end, the
/// text is dimmed.
pub(super) fn starts_trailer(line: &str) -> bool {
    if line.chars().count() >= 60 {
        return false;
    }
    let lower = line
        .trim_end_matches(|c: char| c == ':' || c == '.' || c.is_whitespace())
        .to_lowercase();
    // "3 Comments", "12 thoughts on “The Title”".
    let counted = lower.trim_start_matches(|c: char| c.is_ascii_digit());
    if counted.len() < lower.len() {
        let counted = counted.trim_start();
        return [
            "comment",
            "response",
            "repl",
            "thoughts on ",
            "responses to ",
        ]
        .iter()
        .any(|p| counted.starts_with(p));
    }
    const EXACT: &[&str] = &[
        "comments",
        "you may also like",
        "you might also like",
        "post navigation",
        "like this",
        "join the discussion",
        "post a comment",
        "add a comment",
        // A post's tags and its author's box come after its text.
        "tags",
        "about the author",
    ];
    // WordPress runs "Leave a Reply Cancel reply" together on one line.
    const PREFIX: &[&str] = &[
        "leave a reply",
        "leave a comment",
        "share this",
        "related posts",
        "related articles",
        "related stories",
        "subscribe to our newsletter",
        "sign up for our newsletter",
    ];
    EXACT.contains(&lower.as_str()) || PREFIX.iter().any(|p| lower.starts_with(p))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dimmed(src: &str) -> Vec<&str> {
        let raw: Vec<&str> = src.split('\n').collect();
        let text: Vec<&str> = raw.iter().map(|l| l.trim()).collect();
        let dim = furniture(&raw, &text);
        text.iter()
            .zip(dim)
            .filter(|(l, d)| *d && !l.is_empty())
            .map(|(l, _)| *l)
            .collect()
    }

    const PROSE: &str = "It was a long walk home, and the rain did not stop once.";

    #[test]
    fn a_site_menu_is_furniture_and_a_book_contents_or_verse_is_not() {
        let src = format!(
            "Start Hiring\nLog In\nGo to Your Profile\nEngineeringAll Blogs\nSearch\nFilter by\nView all results\nThe Title Of The Article\n\n{PROSE}\n"
        );
        assert_eq!(
            dimmed(&src),
            [
                "Start Hiring",
                "Log In",
                "Go to Your Profile",
                "EngineeringAll Blogs",
                "Search",
                "Filter by",
                "View all results",
            ]
        );
        // Too few to be a menu: a kicker over a title.
        assert!(
            dimmed(&format!(
                "Physics\nComputer Science\nThe Title\n\n{PROSE}\n"
            ))
            .is_empty()
        );
        // A book's contents in capitals, Roman numerals, program output,
        // a table in columns and verse are not menus.
        for stack in [
            "THE GOLDEN BIRD\nHANS IN LUCK\nOLD SULTAN\nTHE RAVEN\nSNOWDROP",
            "I\nII\nIII\nIV\nV\nVI",
            "0\n2\n4\n6\n8",
            "03      March      31\n04      April      30\n05      May      31\n06      June      30\n07      July      31",
            "Tyger Tyger, burning bright,\nIn the forests of the night;\nWhat immortal hand or eye,\nCould frame thy fearful symmetry?\nIn what distant deeps or skies",
        ] {
            let src = format!("{PROSE}\n\n{stack}\n\n{PROSE}\n");
            assert!(dimmed(&src).is_empty(), "{stack}");
        }
    }

    #[test]
    fn an_author_box_tags_and_notices_of_a_web_page() {
        let src = format!(
            "{PROSE}\n\nJoshua Sokol\n\nContributing Correspondent\n\n{PROSE}\n\nTags\n\nAbout the author\n\nThis article was reprinted on Wired.com.\n\nRead the Spanish version of this article translated by Ana\n\n5W Infographics for Quanta Magazine; sources: Wikimedia Commons,\n"
        );
        assert_eq!(
            dimmed(&src),
            [
                "Joshua Sokol",
                "Contributing Correspondent",
                "Tags",
                "About the author",
                "This article was reprinted on Wired.com.",
                "Read the Spanish version of this article translated by Ana",
                "5W Infographics for Quanta Magazine; sources: Wikimedia Commons,",
            ]
        );
        for date in [
            "Sunday, May 8, 2016",
            "8 May 2016",
            "September 1981",
            "May 20th, 2019",
        ] {
            assert!(is_date_line(date), "{date}");
            assert_eq!(dimmed(&format!("{PROSE}\n\n{date}\n\n{PROSE}\n")), [date]);
        }
        for not_date in [
            "3 May.",
            "May 1981 was a dry month",
            "Chapter 1981",
            "In May, 2016",
        ] {
            assert!(!is_date_line(not_date), "{not_date}");
        }
        // Under a byline, the date is the byline's.
        assert!(dimmed(&format!("By Ann Lee\nMay 8, 2016\n\n{PROSE}\n")).is_empty());
        assert!(dimmed(&format!("By Ann Lee\n\nMay 8, 2016\n\n{PROSE}\n")).is_empty());
        // A heading that names an editor is not a role.
        assert!(dimmed(&format!("A Letter to the Editor\n\n{PROSE}\n")).is_empty());
        assert!(!is_staff_role("The Editor"));
    }

    #[test]
    fn gutenberg_header_credits_footer_and_advertisement() {
        let src = format!(
            "The Project Gutenberg eBook of X\n\n*** START OF THE PROJECT GUTENBERG EBOOK X ***\n\nProduced by A. Reader\n\nX\n\n{PROSE}\n\nTHE END\n\nMORE BOOKS BY THE SAME PUBLISHER\n\n*** END OF THE PROJECT GUTENBERG EBOOK X ***\n\nSection 1. General Terms of Use\n"
        );
        assert_eq!(
            dimmed(&src),
            [
                "The Project Gutenberg eBook of X",
                "*** START OF THE PROJECT GUTENBERG EBOOK X ***",
                "Produced by A. Reader",
                "MORE BOOKS BY THE SAME PUBLISHER",
                "*** END OF THE PROJECT GUTENBERG EBOOK X ***",
                "Section 1. General Terms of Use",
            ]
        );
        // Old-style footer.
        let src = format!(
            "*** START OF THIS PROJECT GUTENBERG EBOOK X ***\n\n{PROSE}\n\nEnd of Project Gutenberg's X\n\nlicence"
        );
        assert_eq!(dimmed(&src).len(), 3);
    }

    #[test]
    fn rfc_page_footer_form_feed_and_running_head() {
        let head = "RFC 3339       Date and Time on the Internet       July 2002";
        let src = format!(
            "   {PROSE}\n\nKlyne, et. al.     Standards Track     [Page 1]\n\u{c}\n{head}\n\n   {PROSE}\n"
        );
        assert_eq!(
            dimmed(&src),
            ["Klyne, et. al.     Standards Track     [Page 1]", head]
        );
    }

    #[test]
    fn running_heads_repeated_after_bare_page_numbers() {
        let page = |n: u32| {
            format!(
                "  {PROSE}\n\n[Page {n}]\n\nSeptember 1981\nInternet Protocol\nIntroduction\n\n"
            )
        };
        let src: String = (1..=3).map(page).collect();
        let dim = dimmed(&src);
        assert_eq!(dim.len(), 12, "{dim:?}");
        assert!(!dim.contains(&PROSE));
    }

    #[test]
    fn the_first_pages_running_head_has_no_page_break_over_it() {
        let head = "September 1981\nInternet Protocol";
        let page = |n: u32| format!("  {PROSE}\n\n[Page {n}]\n\n{head}\nChapter\n\n");
        let pages: String = (1..=3).map(page).collect();
        let src = format!("INTERNET PROTOCOL\n\n{head}\n\n  {PROSE}\n\n{pages}");
        let dim = dimmed(&src);
        assert_eq!(
            &dim[..2],
            ["September 1981", "Internet Protocol"],
            "{dim:?}"
        );
        assert!(!dim.contains(&"INTERNET PROTOCOL"));
        // A heading that is no running head elsewhere stays.
        let src = format!("Internet Protocol\nOverview\n\n  {PROSE}\n\n{pages}");
        assert!(!dimmed(&src).contains(&"Overview"));
        assert!(!dimmed(&src)[..1].contains(&"Internet Protocol"));
    }

    #[test]
    fn a_site_header_over_the_menu_of_a_page_that_opens_with_a_cookie_banner() {
        let banner = "By clicking Accept Cookies, you agree to our use of cookies.";
        let src = format!(
            "{banner}\nAccept Cookies\nDevelopers\nHiring? We hand-pick the best people for you.\nTop 3%\nWhy\nClients\nBlog\nAbout Us\nThe Title of the Article\n\n{PROSE}\n"
        );
        let dim = dimmed(&src);
        assert_eq!(dim.len(), 9, "{dim:?}");
        assert!(dim.contains(&"Developers"));
        assert!(!dim.contains(&"The Title of the Article"));
        // Without furniture first, the lines over a menu are the page's.
        let src = format!(
            "Hiring? We hand-pick the best people for you.\nTop 3%\nWhy\nClients\nBlog\nAbout Us\n\n{PROSE}\n"
        );
        assert_eq!(dimmed(&src).len(), 5);
    }

    #[test]
    fn a_topic_tag_over_the_title() {
        let src = format!(
            "Read Later\nShare\nchaos theory\nThe Hidden Heroines\nBy Ann Lee\n\n{PROSE}\n"
        );
        assert_eq!(dimmed(&src), ["Read Later", "Share", "chaos theory"]);
        // At the very top too.
        let src = format!("climate\nThe Title\n\n{PROSE}\n");
        assert_eq!(dimmed(&src), ["climate"]);
        // Not in the body: a line of verse, a sentence's last words.
        let src = format!("{PROSE}\n\nthe falling rain\nAnd all the night\n\n{PROSE}\n");
        assert!(dimmed(&src).is_empty());
        // Not under a line of the article, nor with punctuation or capitals.
        let src = format!("The Title\nand more\nOn It\n\n{PROSE}\n");
        assert!(dimmed(&src).is_empty());
        for not_tag in ["e.g. this", "Chaos theory", "one two three four", "x2"] {
            assert!(!is_topic_tag(not_tag), "{not_tag}");
        }
        assert!(is_topic_tag("machine-learning"));
    }

    #[test]
    fn mail_header_and_column_block_at_the_top() {
        let src = format!("PEP: 8\nTitle: Style Guide\nAuthor: Guido\n\nIntroduction\n\n{PROSE}");
        assert_eq!(
            dimmed(&src),
            ["PEP: 8", "Title: Style Guide", "Author: Guido"]
        );
        let text: Vec<&str> = src.lines().collect();
        assert_eq!(header_field(&text, "title"), Some("Style Guide"));
        let src = format!(
            "Network Working Group          G. Klyne\nRequest for Comments: 3339     Clearswift\n\n    Title\n\n{PROSE}"
        );
        assert_eq!(dimmed(&src).len(), 2);
        // Prose at the top is no header.
        assert!(dimmed(&format!("{PROSE}\n{PROSE}\n\nNext: more")).is_empty());
    }

    #[test]
    fn address_copyright_and_licence_blocks() {
        let src = format!(
            "{PROSE}\n\nChris Newman\nSun Microsystems\nEMail: chris.newman@sun.com\n\nCopyright (C) 1985 Richard M. Stallman\n\nPermission is granted to anyone to copy this.\n\n{PROSE}"
        );
        assert_eq!(dimmed(&src).len(), 5);
        // An e-mail inside running text is not an address block.
        let src =
            format!("{PROSE} Write to me at ann@example.org with your thoughts, or call.\n{PROSE}");
        assert!(dimmed(&src).is_empty());
        // An RFC's: the address, a blank line, then its contact fields.
        let src = format!(
            "{PROSE}\n\n   Graham Klyne\n   Clearswift Corporation\n   1310 Waterside\n   UK\n\n\
             \x20  Phone: +44 11 8903 8903\n   EMail: GK@ACM.ORG\n\n{PROSE}"
        );
        assert_eq!(dimmed(&src).len(), 6);
        // Not a sentence that asks to write.
        let src =
            format!("{PROSE}\n\nFor more, write to us.\nWe answer.\n\nEMail: a@b.org\n\n{PROSE}");
        assert_eq!(dimmed(&src), ["EMail: a@b.org"]);
    }

    #[test]
    fn web_furniture_lines() {
        for line in [
            "Filed Under: Recipes",
            "Labels: FPGA, Tools",
            "Share this article",
            "Share on Pinterest",
            "Email ThisBlogThis!Share to Twitter",
            "Related Articles",
            "Read this next",
            "By clicking Accept Cookies, you agree to our use of cookies",
            "Get Quanta Magazine delivered to your inbox",
            "Subscribe now",
            "Photo by Ann Lee",
            "Olena Shmahalo/Quanta Magazine",
            "A crowd at the gate. (Getty Images)",
            "12 minute read",
            "Privacy Settings",
            "Older Post",
        ] {
            assert!(is_furniture_line(line), "{line}");
        }
        for line in [
            "Related work",
            "The Sharing Economy",
            "Photographs of the Moon",
            "Input/Output Rules",
            "either/or",
            "We use cookies in the recipe below.",
        ] {
            assert!(!is_furniture_line(line), "{line}");
        }
    }

    #[test]
    fn furniture_in_a_stack_of_short_lines_is_found_line_by_line() {
        // (Five such lines in a row would be a menu, the first too.)
        let src = format!("{PROSE}\n\nPhysics\nRead Later\nShare\nNewsletter\n\n{PROSE}");
        assert_eq!(dimmed(&src), ["Read Later", "Share", "Newsletter"]);
        let src = "Posted by    Ann Lee     at  12:55 AM\nEmail ThisBlogThis!Share to TwitterShare to Facebook\nLabels: FPGA, Tools\nNo comments:\n";
        assert_eq!(dimmed(src).len(), 4);
        // Not in hard-wrapped prose.
        let src = format!(
            "{PROSE} It was late, and we\nshare this road with everyone who lives along the\nriver, and more."
        );
        assert!(dimmed(&src).is_empty());
    }

    #[test]
    fn a_numbered_section_under_a_furniture_line_is_not_furniture() {
        let src = format!("{PROSE}\n\nShare on Pinterest\n1. Skinfold Calipers\n\n{PROSE}\n");
        assert_eq!(dimmed(&src), ["Share on Pinterest"]);
        // Another line under such a line goes with it.
        let src = format!("{PROSE}\n\nShare this:\nTwitter Facebook\n\n{PROSE}\n");
        assert_eq!(dimmed(&src), ["Share this:", "Twitter Facebook"]);
    }

    #[test]
    fn trailer_phrases() {
        for line in [
            "Leave a Reply",
            "3 Comments",
            "Share this:",
            "Related posts",
            "12 thoughts on “X”",
            "Subscribe to our newsletter",
            "Tags",
            "About the author",
        ] {
            assert!(starts_trailer(line), "{line}");
        }
        for line in [
            "Related",
            "Comments are welcome here, and we read them all",
            "Sharing",
        ] {
            assert!(!starts_trailer(line), "{line}");
        }
    }

    #[test]
    fn notice_sections() {
        assert!(is_notice_section("Status of This Memo"));
        assert!(is_notice_section("Full Copyright Statement"));
        assert!(!is_notice_section("Acknowledgements and Thanks"));
    }
}
