// Integration tests wait on real servers; Jest's testTimeout is a global option that projects
// cannot set, so the integration project sets it here.
/* global jest */
jest.setTimeout(180_000);
