// Imported first by tests that assert on styles: chalk (inside Ink) decides its colour level when it is loaded, and
// under the test runner stdout is a pipe. Forcing level 1 makes bold/colour appear as ANSI in the frames.
process.env['FORCE_COLOR'] = '1';
