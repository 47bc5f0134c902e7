//! Two passes over a page around the extraction: before it, ids that a
//! site generator made from a heading's words are taken off, so that the
//! extractor does not read `related-work` or `media-queries` as a related
//! box or an advert and drop the section; after it (and in the documents
//! of an EPUB book), code blocks are made
//! plain text, so that a link or a bold word in code (rustdoc's
//! signatures) is not turned into Markdown inside the fence, and a `<pre>`
//! without `<code>` is fenced too.

use dom_query::{Document, NodeRef};

/// Ids that name what a page has around an article, not a section of it:
/// kept, so that a page's own comments or share box still goes.
const AROUND: &[&str] = &[
    "comments",
    "comment",
    "related",
    "share",
    "sharing",
    "social",
    "footer",
    "sidebar",
    "nav",
    "navigation",
    "menu",
    "newsletter",
    "subscribe",
    "ads",
    "advert",
    "sponsored",
    "promo",
];

/// `html` with the ids of headings taken off (a heading's id is where
/// links go, `<h2 id="shared">`, not what the heading is), and those of
/// sections that start with a heading whose words hold the id (`<section
/// id="related-work"><h2>Related work</h2>`); ids that name what is around
/// an article are kept. The page as it was when there are none.
pub fn anchors_not_weights(html: &str) -> Option<String> {
    let doc = Document::from(html);
    let mut changed = false;
    let headings = "h1[id], h2[id], h3[id], h4[id], h5[id], h6[id]";
    for node in doc.select(headings).nodes() {
        changed |= unweigh(node, None);
    }
    for node in doc.select("section[id], div[id], article[id]").nodes() {
        let first = node.first_element_child();
        if let Some(heading) = first.filter(|h| {
            h.node_name()
                .is_some_and(|n| matches!(&*n, "h1" | "h2" | "h3" | "h4" | "h5" | "h6"))
        }) {
            changed |= unweigh(node, Some(&heading.text()));
        }
    }
    changed.then(|| doc.html().to_string())
}

/// Take `node`'s id off, unless it names what is around an article or,
/// given the `words` of a heading, they do not hold it (letters and
/// digits alike).
fn unweigh(node: &NodeRef, words: Option<&str>) -> bool {
    let Some(id) = node.attr("id") else {
        return false;
    };
    let letters = |s: &str| -> String {
        s.chars()
            .filter(|c| c.is_alphanumeric())
            .flat_map(char::to_lowercase)
            .collect()
    };
    let id_letters = letters(&id);
    if id_letters.is_empty() || AROUND.contains(&id.to_lowercase().as_str()) {
        return false;
    }
    if words.is_some_and(|w| !letters(w).contains(&id_letters)) {
        return false;
    }
    node.remove_attr("id");
    true
}

/// `content`, an extracted article or a book's document, with each code
/// block as plain text in a `<code>` of its `<pre>` (its language class
/// kept). Without a `<pre` it is not parsed, and comes back as it is.
pub fn code_as_text(content: &str) -> String {
    if !content
        .as_bytes()
        .windows(4)
        .any(|w| w.eq_ignore_ascii_case(b"<pre"))
    {
        return content.to_string();
    }
    let doc = Document::from(content);
    let pres = doc.select("pre");
    if !pres.exists() {
        return content.to_string();
    }
    for pre in pres.nodes() {
        let code = pre
            .children()
            .into_iter()
            .find(|c| c.node_name().is_some_and(|n| &*n == "code"));
        let (text, class) = match &code {
            Some(code) => (
                code.text(),
                code.attr("class").or_else(|| pre.attr("class")),
            ),
            None => (pre.text(), pre.attr("class")),
        };
        let class = class
            .map(|c| format!(" class=\"{}\"", escape(&c)))
            .unwrap_or_default();
        pre.set_html(format!("<code{class}>{}</code>", escape(&text)));
    }
    doc.select("body").inner_html().to_string()
}

/// `content` with each figure's caption left out where it only says
/// again what its image's description says (`<img alt="A kettle">` over
/// `<figcaption>A kettle</figcaption>`): the reader shows the description
/// with the image, and the caption would repeat it under it. Without a
/// `<figcaption` it is not parsed, and comes back as it is.
pub fn captions_said_once(content: &str) -> String {
    let has = content
        .as_bytes()
        .windows(11)
        .any(|w| w.eq_ignore_ascii_case(b"<figcaption"));
    if !has {
        return content.to_string();
    }
    let words = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    let doc = Document::from(content);
    let mut changed = false;
    for figure in doc.select("figure").nodes() {
        let figure = dom_query::Selection::from(*figure);
        let alts: Vec<String> = figure
            .select("img")
            .nodes()
            .iter()
            .filter_map(|img| img.attr("alt"))
            .map(|alt| words(&alt))
            .filter(|alt| !alt.is_empty())
            .collect();
        for caption in figure.select("figcaption").nodes() {
            if alts.contains(&words(&caption.text())) {
                caption.remove_from_parent();
                changed = true;
            }
        }
    }
    if !changed {
        return content.to_string();
    }
    doc.select("body").inner_html().to_string()
}

/// The address a page saved to a file says it came from: its canonical
/// link, its `og:url`, or the comment a browser's "Save page" writes
/// (`<!-- saved from url=(0042)https://… -->`). Only a web address.
pub fn saved_url(html: &str) -> Option<String> {
    let doc = Document::from(html);
    let web = |u: &str| {
        let u = u.trim();
        let http = u.starts_with("https://") || u.starts_with("http://");
        (http && crate::links::openable(u).is_ok()).then(|| u.to_string())
    };
    let tagged = [
        ("link[rel=canonical]", "href"),
        ("meta[property=\"og:url\"]", "content"),
    ];
    for (selector, attr) in tagged {
        if let Some(url) = doc.select(selector).attr(attr).and_then(|u| web(&u)) {
            return Some(url);
        }
    }
    let comment = html.find("<!-- saved from url=(")?;
    let rest = &html[comment + "<!-- saved from url=(".len()..];
    let rest = &rest[rest.find(')')? + 1..];
    web(rest.split_whitespace().next()?)
}

/// Text for HTML: the characters that would read as markup escaped.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_caption_that_repeats_the_description_goes() {
        let page = "<figure><img src=\"k.png\" alt=\"A  kettle\"><figcaption> A kettle \
                    </figcaption></figure><figure><img src=\"c.png\" alt=\"A cup\">\
                    <figcaption>Tea in a cup, 1902</figcaption></figure>";
        let out = captions_said_once(page);
        assert!(!out.contains("A kettle </figcaption>"), "{out}");
        assert!(out.contains("alt=\"A  kettle\""), "{out}");
        assert!(
            out.contains("<figcaption>Tea in a cup, 1902</figcaption>"),
            "{out}"
        );
        // Nothing to do: the same text back, not parsed.
        assert_eq!(captions_said_once("<p>x</p>"), "<p>x</p>");
    }

    #[test]
    fn ids_made_from_a_headings_words_are_taken_off() {
        let page = "<article><section id=\"related-work\"><h2 id=\"rw\">Related \
                    work</h2><p>Text.</p></section><h2 id=\"shared\">Shared state</h2>\
                    <section id=\"widgets\"><h2>Tools</h2></section>\
                    <section id=\"comments\"><h2 id=\"comments\">Comments</h2></section></article>";
        let out = anchors_not_weights(page).expect("changed");
        for gone in ["related-work", "rw", "shared"] {
            assert!(!out.contains(&format!("id=\"{gone}\"")), "{gone}: {out}");
        }
        // A section the heading does not name, and what is around an
        // article: kept.
        assert!(out.contains("id=\"widgets\""), "{out}");
        assert!(out.contains("id=\"comments\""), "{out}");
        assert_eq!(anchors_not_weights("<p id=\"x\">Text</p>"), None);
    }

    #[test]
    fn a_saved_page_says_where_it_came_from() {
        let canonical = "<html><head><link rel=\"canonical\" href=\"https://example.com/a\">\
                         </head><body></body></html>";
        assert_eq!(
            saved_url(canonical).as_deref(),
            Some("https://example.com/a")
        );
        let og = "<meta property=\"og:url\" content=\" https://example.com/b \"><p>x</p>";
        assert_eq!(saved_url(og).as_deref(), Some("https://example.com/b"));
        let saved =
            "<!DOCTYPE html>\n<!-- saved from url=(0025)https://example.com/c -->\n<p>x</p>";
        assert_eq!(saved_url(saved).as_deref(), Some("https://example.com/c"));
        for not_web in [
            "<link rel=\"canonical\" href=\"/relative\">",
            "<link rel=\"canonical\" href=\"javascript:alert(1)\">",
            "<p>nothing</p>",
        ] {
            assert_eq!(saved_url(not_web), None, "{not_web}");
        }
    }

    #[test]
    fn code_blocks_are_plain_text_with_their_language() {
        let out = code_as_text(
            "<div><pre><code class=\"language-rust\">let v: <a href=\"/v\">Vec</a>&lt;u8&gt; = \
             <b>Vec</b>::new();</code></pre><pre># not a heading\n* not a list</pre></div>",
        );
        assert!(
            out.contains(
                "<pre><code class=\"language-rust\">let v: Vec&lt;u8&gt; = Vec::new();</code></pre>"
            ),
            "{out}"
        );
        assert!(
            out.contains("<pre><code># not a heading\n* not a list</code></pre>"),
            "{out}"
        );
    }
}
