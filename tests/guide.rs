//! The bundled guide teaches the product as it is: every reading action
//! of the keymap, with its default keys, and every subcommand of the
//! command line are mentioned in it. A new key or command without a word
//! in the guide fails here.

use clap::CommandFactory;
use longform::cli::Cli;
use longform::tui::action::Action;
use longform::tui::keymap::Keymap;

const GUIDE: &str = include_str!("../articles/reading-with-longform.md");

#[test]
fn every_reading_action_and_its_keys_are_in_the_guide() {
    let keymap = Keymap::default();
    let mut missing = Vec::new();
    for &(name, action) in Action::NAMED {
        if !GUIDE.contains(&format!("`{name}`")) {
            missing.push(format!("the action `{name}`"));
        }
        for key in keymap.keys(action) {
            if !GUIDE.contains(&format!("`{key}`")) {
                missing.push(format!("the key `{key}` ({name})"));
            }
        }
    }
    assert!(missing.is_empty(), "not in the guide: {missing:#?}");
}

#[test]
fn every_subcommand_is_in_the_guide() {
    let mut missing = Vec::new();
    let cli = Cli::command();
    // Hidden ones are the program's own business.
    for sub in cli.get_subcommands().filter(|s| !s.is_hide_set()) {
        let name = format!("longform {}", sub.get_name());
        if !GUIDE.contains(&name) {
            missing.push(name.clone());
        }
        for inner in sub.get_subcommands() {
            let name = format!("{name} {}", inner.get_name());
            if !GUIDE.contains(&name) {
                missing.push(name);
            }
        }
    }
    assert!(missing.is_empty(), "not in the guide: {missing:#?}");
}
