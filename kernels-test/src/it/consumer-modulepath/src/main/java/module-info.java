/** A service that uses trit4j as a module; requiring the vector module turns on the vector kernels. */
module com.example.consumer {
    requires io.github.trit4j.kernels;
    requires jdk.incubator.vector;
    exports com.example.consumer;
}
