//! What handlers are written against: the registration records the macros build, the
//! request scope they receive, the conversions of what they return, and the values injected
//! into them (`State`, `Context`, `Caller`).

pub(crate) mod caller;
pub(crate) mod inject;
pub(crate) mod registry;
pub(crate) mod response;
pub(crate) mod scope;
pub(crate) mod uri_template;
