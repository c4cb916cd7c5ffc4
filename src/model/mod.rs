//! NonStop models.
