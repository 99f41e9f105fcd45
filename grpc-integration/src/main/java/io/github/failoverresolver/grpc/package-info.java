/** grpc integration of failover-resolver: in progress. */
package io.github.failoverresolver.grpc;
