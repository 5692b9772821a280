//! What runs while a request is handled, independent of any handler: the streams that carry a
//! handler's messages, questions to the client answered by retrying (MRTR), listen streams.

pub(crate) mod listen;
pub(crate) mod mrtr;
pub(crate) mod stream;
pub(crate) mod task;
