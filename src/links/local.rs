//! Links to files beside the article (`[the guide](docs/guide.md)`,
//! `[setup](../INSTALL.md#linux)`): where such a target points, as a path
//! and a fragment, taken from the folder of the article being read.
//!
//! Pure: the folder is an argument, and nothing here looks at the disk.
//! Whether the file is there, and opening it, are the reader's business
//! (`tui::trail`).

use std::path::{Path, PathBuf};

/// A link target that names a file on this machine.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LocalLink {
    /// The file: the path as written, from the article's folder unless it
    /// is absolute.
    pub path: PathBuf,
    /// The path as written, percent-escapes decoded, without its query or
    /// fragment: what messages name.
    pub written: String,
    /// The part after `#`, decoded; `None` when there is none or it is
    /// empty.
    pub fragment: Option<String>,
}

/// Why a link target names no file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NotLocal {
    /// An address with a scheme (`https:`, `mailto:`, `file:`) or a host
    /// (`//example.com/a`): for the system's opener, or refused there.
    Remote,
    /// No path at all: `#x` (a place in this article, the fragment given)
    /// or an empty target.
    NoPath(Option<String>),
    /// A relative path, and the article has no folder (it was read from
    /// standard input): the path as written, decoded.
    NoFolder(String),
}

/// Where `target` points when it is a path: a relative one is taken from
/// `base`, the folder of the article (`None` for an article with no
/// file). A `?query` is no part of a file's name and is dropped; `%20` and
/// the like are decoded in the path and in the fragment. A single letter
/// before a colon is a Windows drive (`C:\notes\a.md`), not a scheme: the
/// path is taken as it is written, and is simply not found on other
/// systems. `file:` URLs are not paths here: they keep the refusal of
/// every other scheme.
pub fn resolve(target: &str, base: Option<&Path>) -> Result<LocalLink, NotLocal> {
    let target = target.trim();
    if target.starts_with("//") || super::scheme(target).is_some_and(|s| s.len() > 1) {
        return Err(NotLocal::Remote);
    }
    let (rest, fragment) = match target.split_once('#') {
        Some((rest, fragment)) => (rest, Some(fragment)),
        None => (target, None),
    };
    let fragment = fragment.map(percent_decode).filter(|f| !f.is_empty());
    let written = percent_decode(rest.split('?').next().unwrap_or(rest));
    if written.is_empty() {
        return Err(NotLocal::NoPath(fragment));
    }
    let path = Path::new(&written);
    let path = if path.is_absolute() {
        path.to_path_buf()
    } else {
        match base {
            Some(base) => base.join(path),
            None => return Err(NotLocal::NoFolder(written)),
        }
    };
    // `a/./b`, `a//b` and a trailing slash are the same path as `a/b`;
    // `..` is left to the file system, which knows where symlinks go.
    let path = path.components().collect();
    Ok(LocalLink {
        path,
        written,
        fragment,
    })
}

/// `%20` and the like, as the bytes they stand for; invalid escapes are
/// kept as written, and so is a whole text whose decoded bytes are not
/// UTF-8.
pub fn percent_decode(text: &str) -> String {
    percent_encoding::percent_decode_str(text)
        .decode_utf8()
        .map_or_else(|_| text.to_string(), std::borrow::Cow::into_owned)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn base() -> &'static Path {
        Path::new("/notes/projects")
    }

    fn file(target: &str) -> (PathBuf, String, Option<String>) {
        let l = resolve(target, Some(base())).unwrap();
        (l.path, l.written, l.fragment)
    }

    #[test]
    fn relative_paths_are_taken_from_the_article_s_folder() {
        assert_eq!(
            file("docs/guide.md"),
            (
                PathBuf::from("/notes/projects/docs/guide.md"),
                "docs/guide.md".into(),
                None
            )
        );
        assert_eq!(
            file("./guide.md").0,
            PathBuf::from("/notes/projects/guide.md")
        );
        assert_eq!(
            file("a/./b//c.md").0,
            PathBuf::from("/notes/projects/a/b/c.md")
        );
        // `..` stays for the file system to follow.
        assert_eq!(
            file("../INSTALL.md#linux"),
            (
                PathBuf::from("/notes/projects/../INSTALL.md"),
                "../INSTALL.md".into(),
                Some("linux".into())
            )
        );
    }

    #[test]
    fn absolute_paths_need_no_folder() {
        let l = resolve("/home/x/notes.md", None).unwrap();
        assert_eq!(l.path, PathBuf::from("/home/x/notes.md"));
        assert_eq!(
            resolve("  /home/x/notes.md#top ", Some(base()))
                .unwrap()
                .fragment
                .as_deref(),
            Some("top")
        );
    }

    #[test]
    fn escapes_are_decoded_and_queries_dropped() {
        assert_eq!(
            file("my%20notes/caf%C3%A9.md?plain=1#r%C3%A9sum%C3%A9"),
            (
                PathBuf::from("/notes/projects/my notes/café.md"),
                "my notes/café.md".into(),
                Some("résumé".into())
            )
        );
        // A broken escape is kept; so is a text whose bytes are no UTF-8.
        assert_eq!(file("100%.md").1, "100%.md");
        assert_eq!(file("a%zz.md").1, "a%zz.md");
        assert_eq!(file("bad%FF.md").1, "bad%FF.md");
        // An encoded `#` or `?` is part of the name.
        assert_eq!(file("a%23b%3F.md").1, "a#b?.md");
        // Only the first `#` starts the fragment; an empty one is none.
        assert_eq!(file("a.md#b#c").2.as_deref(), Some("b#c"));
        assert_eq!(file("a.md#").2, None);
    }

    #[test]
    fn addresses_with_a_scheme_or_a_host_are_not_files() {
        for target in [
            "https://example.com/a.md",
            "HTTP://EXAMPLE.COM",
            "mailto:a@b.example",
            "file:///etc/passwd",
            "javascript:alert(1)",
            "//example.com/a.md",
            "git+ssh://host/repo",
        ] {
            assert_eq!(
                resolve(target, Some(base())),
                Err(NotLocal::Remote),
                "{target}"
            );
        }
        // A colon later in a path is no scheme.
        assert_eq!(file("docs/a:b.md").1, "docs/a:b.md");
    }

    #[test]
    fn windows_looking_paths_are_taken_as_written() {
        let (path, written, _) = file(r"C:\notes\a.md");
        assert_eq!(written, r"C:\notes\a.md");
        if cfg!(unix) {
            assert_eq!(path, base().join(r"C:\notes\a.md"));
        }
        assert_eq!(file("c:/x.md").1, "c:/x.md");
    }

    #[test]
    fn no_path_and_no_folder_say_so() {
        assert_eq!(resolve("", Some(base())), Err(NotLocal::NoPath(None)));
        assert_eq!(resolve("   ", Some(base())), Err(NotLocal::NoPath(None)));
        assert_eq!(
            resolve("#intro", Some(base())),
            Err(NotLocal::NoPath(Some("intro".into())))
        );
        assert_eq!(
            resolve("?q=1#intro", None),
            Err(NotLocal::NoPath(Some("intro".into())))
        );
        assert_eq!(
            resolve("docs/my%20guide.md#x", None),
            Err(NotLocal::NoFolder("docs/my guide.md".into()))
        );
    }

    /// Every byte written as `%XX`.
    fn encoded(text: &str) -> String {
        text.bytes().map(|b| format!("%{b:02X}")).collect()
    }

    proptest! {
        #[test]
        fn any_target_resolves_without_panic(target in "\\PC{0,40}") {
            let _ = resolve(&target, Some(base()));
            let _ = resolve(&target, None);
        }

        #[test]
        fn escaping_a_path_changes_nothing(
            parts in prop::collection::vec("[a-zA-Z0-9 ._é-]{1,8}", 1..4),
            fragment in "[a-z0-9é-]{0,8}",
            query in "[a-z=&]{0,6}",
        ) {
            let path = parts.join("/");
            // A part of dots only is `.` or `..`, a path of its own.
            prop_assume!(parts.iter().all(|p| !p.trim_matches('.').is_empty()));
            // Spaces around the whole target are not part of it.
            prop_assume!(path.trim() == path);
            let plain = resolve(&format!("{path}#{fragment}"), Some(base())).unwrap();
            let escaped = resolve(
                &format!("{}?{query}#{}", encoded(&path), encoded(&fragment)),
                Some(base()),
            )
            .unwrap();
            prop_assert_eq!(&plain, &escaped);
            prop_assert!(plain.path.starts_with(base()));
            prop_assert_eq!(&plain.written, &path);
            prop_assert_eq!(plain.fragment, Some(fragment).filter(|f| !f.is_empty()));
        }
    }
}
