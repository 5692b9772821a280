//! Who may see which items: the distinct role sets that items require, and the list responses
//! rendered once per combination of those sets a caller satisfies.
//!
//! Each distinct set of roles named by `roles = [..]` gets one bit. An item needs its set's bit
//! (or nothing, when it names no roles); a caller's mask has the bit of every set it holds a
//! role of. Items outside the mask are absent from lists and refused exactly like unknown
//! ones, so a caller cannot learn that they exist.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use crate::handler::caller::Caller;
use crate::util::{read, write};

use super::ListPages;

/// The bits of the role sets a caller satisfies (or an item needs).
pub(crate) type Mask = u64;

/// Most distinct role sets one server may use.
pub(crate) const MAX_ROLE_SETS: usize = Mask::BITS as usize;

/// Most masks whose lists are kept; beyond them, lists are rendered per request.
const MAX_VIEWS: usize = 256;

/// The distinct role sets of one server's items.
#[derive(Clone, Default)]
pub(crate) struct Access {
    /// Each sorted, without duplicates; the index is the bit.
    sets: Vec<Vec<String>>,
}

impl Access {
    /// The bit an item with `roles` needs (0: none, every caller sees it), or `None` when the
    /// server already uses [`MAX_ROLE_SETS`] other sets.
    pub(crate) fn need<S: AsRef<str>>(&mut self, roles: &[S]) -> Option<Mask> {
        if roles.is_empty() {
            return Some(0);
        }
        let mut set: Vec<String> = roles.iter().map(|r| r.as_ref().to_owned()).collect();
        set.sort_unstable();
        set.dedup();
        let index = match self.sets.iter().position(|s| *s == set) {
            Some(i) => i,
            None if self.sets.len() == MAX_ROLE_SETS => return None,
            None => {
                self.sets.push(set);
                self.sets.len() - 1
            }
        };
        Some(1 << index)
    }

    /// Whether no item needs a role (every caller sees everything).
    pub(crate) fn is_open(&self) -> bool {
        self.sets.is_empty()
    }

    /// The role sets `caller` holds a role of.
    pub(crate) fn mask(&self, caller: &Caller) -> Mask {
        if !caller.is_authenticated() {
            return 0;
        }
        self.sets
            .iter()
            .enumerate()
            .filter(|(_, set)| set.iter().any(|r| caller.has_role(r)))
            .fold(0, |mask, (i, _)| mask | 1 << i)
    }
}

/// Whether an item that needs `need` is visible to a caller with `mask`.
pub(crate) fn visible(need: Mask, mask: Mask) -> bool {
    need == 0 || need & mask != 0
}

/// The list responses of every revision, per caller mask other than 0 (whose lists are
/// rendered at start-up), rendered on first use.
#[derive(Default)]
pub(crate) struct Views {
    cache: RwLock<HashMap<Mask, Arc<[ListPages; 4]>>>,
}

impl Views {
    /// The lists for `mask`, rendered by `render` the first time.
    pub(crate) fn get(
        &self,
        mask: Mask,
        render: impl FnOnce() -> [ListPages; 4],
    ) -> Arc<[ListPages; 4]> {
        if let Some(lists) = read(&self.cache).get(&mask) {
            return lists.clone();
        }
        let lists = Arc::new(render());
        let mut cache = write(&self.cache);
        if cache.len() < MAX_VIEWS {
            cache.entry(mask).or_insert_with(|| lists.clone());
        }
        lists
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_follow_roles() {
        let mut access = Access::default();
        assert_eq!(access.need::<&str>(&[]), Some(0));
        let admin = access.need(&["admin"]).unwrap();
        let ops = access.need(&["ops", "admin"]).unwrap();
        assert_eq!(access.need(&["admin", "ops"]), Some(ops));
        assert_ne!(admin, ops);
        let anyone = Caller::anonymous();
        let op = Caller::new("o", ["ops"]);
        let root = Caller::new("r", ["admin"]);
        assert_eq!(access.mask(&anyone), 0);
        assert_eq!(access.mask(&op), ops);
        assert_eq!(access.mask(&root), admin | ops);
        assert!(
            visible(0, 0) && !visible(admin, access.mask(&op)) && visible(ops, access.mask(&op))
        );
    }

    #[test]
    fn at_most_64_sets() {
        let mut access = Access::default();
        let names: Vec<&'static str> = (0..65)
            .map(|i| &*Box::leak(format!("r{i}").into_boxed_str()))
            .collect();
        for (i, name) in names.iter().enumerate() {
            let roles: &'static [&'static str] = Box::leak(vec![*name].into_boxed_slice());
            assert_eq!(access.need(roles).is_some(), i < MAX_ROLE_SETS);
        }
    }
}
