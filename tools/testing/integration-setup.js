// Integration tests wait on real servers; Jest's testTimeout is a global option that projects
// cannot set, so the integration project sets it here. An upper bound against a hang: CI runs two
// spec files at once on two cores shared with the broker, the registry and the services, and the
// slowest spec (the evaluator's scale 1→2→1) took 48 s at load 7–8 and over 180 s at load 14–19.
/* global jest */
jest.setTimeout(360_000);
