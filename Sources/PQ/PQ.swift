// Placeholder: the PQ module is being written.
