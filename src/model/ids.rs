//! Typed ids of the node's parts, and the generational slab that hands out the short-lived ones.
//!
//! Every subsystem refers to another's parts only by these ids, never by reference, so this
//! file is the one place the subsystems share and no two of them import each other for a name.
//! Long-lived parts (processors, processes, server processes, link managers) are plain indexes
//! into `Vec`s that only grow. Short-lived parts (requests, sessions, links) live in a [`Slab`]
//! whose slots are reused; their ids carry the slot's generation, checked on every lookup, so
//! an id kept past its part's life (in a pending event, say) is recognised as stale instead of
//! silently naming the slot's next occupant.

/// A processor of the node (its CPU number).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ProcessorId(pub u32);

/// A process in the node's process table.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ProcessId(pub u32);

/// Ids handed out by a [`Slab`]: a slot and that slot's generation when the id was issued.
pub trait SlabKey: Copy {
    /// The id of `slot` at `generation`.
    fn from_parts(slot: u32, generation: u32) -> Self;
    /// Its slot.
    fn slot(self) -> u32;
    /// Its generation.
    fn generation(self) -> u32;
}

macro_rules! generational_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name {
            /// Slot in its slab.
            pub slot: u32,
            /// Generation of the slot when the id was issued.
            pub generation: u32,
        }
        impl SlabKey for $name {
            fn from_parts(slot: u32, generation: u32) -> Self {
                $name { slot, generation }
            }
            fn slot(self) -> u32 {
                self.slot
            }
            fn generation(self) -> u32 {
                self.generation
            }
        }
    };
}

generational_id!(
    /// A request in flight.
    RequestId
);
generational_id!(
    /// A client session (one TCP connection at a time, or a terminal).
    SessionId
);
generational_id!(
    /// A link between a link manager and a server process.
    LinkId
);

/// A slab of values with a free list and a generation per slot. Freed slots are reused last
/// freed first, so memory stays flat in run length and nothing is allocated per value once the
/// slab has grown to the largest population.
#[derive(Debug)]
pub struct Slab<T, K> {
    items: Vec<(u32, Option<T>)>,
    free: Vec<u32>,
    live: usize,
    _key: std::marker::PhantomData<K>,
}

impl<T, K> Default for Slab<T, K> {
    fn default() -> Self {
        Slab {
            items: Vec::new(),
            free: Vec::new(),
            live: 0,
            _key: std::marker::PhantomData,
        }
    }
}

impl<T, K: SlabKey> Slab<T, K> {
    /// Stores `value`, returning its id.
    pub fn insert(&mut self, value: T) -> K {
        self.live += 1;
        if let Some(i) = self.free.pop() {
            let item = &mut self.items[i as usize];
            item.1 = Some(value);
            K::from_parts(i, item.0)
        } else {
            self.items.push((0, Some(value)));
            let slot = u32::try_from(self.items.len() - 1).expect("fewer than 2^32 live values");
            K::from_parts(slot, 0)
        }
    }
    /// Removes and returns the value `id` names; its id and every copy go stale.
    pub fn remove(&mut self, id: K) -> T {
        let item = &mut self.items[id.slot() as usize];
        assert_eq!(item.0, id.generation(), "slab: removing through a stale id");
        let v = item.1.take().expect("slab: removing a free slot");
        item.0 = item.0.wrapping_add(1);
        self.free.push(id.slot());
        self.live -= 1;
        v
    }
    /// Removes the value `id` names without returning it (no copy of a large value); its
    /// id and every copy go stale.
    pub fn free(&mut self, id: K) {
        let item = &mut self.items[id.slot() as usize];
        assert_eq!(item.0, id.generation(), "slab: removing through a stale id");
        assert!(item.1.is_some(), "slab: removing a free slot");
        item.1 = None;
        item.0 = item.0.wrapping_add(1);
        self.free.push(id.slot());
        self.live -= 1;
    }
    /// The value `id` names; panics if the id is stale (a dangling id is a bug).
    pub fn get(&self, id: K) -> &T {
        self.try_get(id).expect("slab: stale id")
    }
    /// The value `id` names, mutably; panics if the id is stale.
    pub fn get_mut(&mut self, id: K) -> &mut T {
        match self.items.get_mut(id.slot() as usize) {
            Some((g, Some(v))) if *g == id.generation() => v,
            _ => panic!("slab: stale id"),
        }
    }
    /// The value `id` names, if it is still live.
    pub fn try_get(&self, id: K) -> Option<&T> {
        match self.items.get(id.slot() as usize) {
            Some((g, Some(v))) if *g == id.generation() => Some(v),
            _ => None,
        }
    }
    /// Number of live values.
    pub fn len(&self) -> usize {
        self.live
    }
    /// True when no value is live.
    pub fn is_empty(&self) -> bool {
        self.live == 0
    }
    /// Every live value with its id, in slot order.
    pub fn iter(&self) -> impl Iterator<Item = (K, &T)> {
        self.items
            .iter()
            .enumerate()
            .filter_map(|(i, (g, v))| v.as_ref().map(|v| (K::from_parts(i as u32, *g), v)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reused_slot_does_not_answer_to_its_old_id() {
        let mut s: Slab<&str, RequestId> = Slab::default();
        let a = s.insert("a");
        assert_eq!(s.remove(a), "a");
        let b = s.insert("b");
        assert_eq!(a.slot, b.slot, "the slot is reused");
        assert!(s.try_get(a).is_none());
        assert_eq!(*s.get(b), "b");
        assert_eq!(s.len(), 1);
        assert_eq!(
            s.iter().map(|(k, v)| (k, *v)).collect::<Vec<_>>(),
            vec![(b, "b")]
        );
    }

    #[test]
    #[should_panic(expected = "stale id")]
    fn a_stale_lookup_is_a_bug() {
        let mut s: Slab<u8, LinkId> = Slab::default();
        let a = s.insert(1);
        s.remove(a);
        s.insert(2);
        s.get(a);
    }
}
