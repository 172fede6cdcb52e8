#ifndef BREVIS_TESTS_TESTING_FREE_PORT_H_
#define BREVIS_TESTS_TESTING_FREE_PORT_H_

namespace brevis::testing {

// A port on 127.0.0.1 that nothing listens on: bound, then released (good
// enough for a test; another process could take it in between). 0 when no
// port could be bound.
int UnusedLoopbackPort();

}  // namespace brevis::testing

#endif  // BREVIS_TESTS_TESTING_FREE_PORT_H_
