// TorchSharp 0.107's libLibTorchSharp.so was built with GCC 13 and asks libstdc++ for
// std::ios_base_library_init() (symbol version GLIBCXX_3.4.32), which GCC 13 added to initialise the
// standard streams. Debian 12's libstdc++ (GCC 12) has no such function: it initialises the streams
// from static constructors in every object that includes <iostream>, libtorch's among them. So on
// such a system the function has nothing left to do. run.sh builds this file into libiosinit.so.
namespace std { void ios_base_library_init() {} }
