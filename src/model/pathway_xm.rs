//! Pathway/XM load balancing (placeholder: being written).
