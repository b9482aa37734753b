// How far a host carries a property.
export type HostStatus = "enforced" | "partial" | "not-available";
