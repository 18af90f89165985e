# Two stages: Maven builds the Quarkus fast-jar; the runtime image holds a JRE and the jar, nothing else.
# Both bases are arguments, for registries of one's own or air-gapped builds:
#   docker build --build-arg BUILD_IMAGE=<maven with JDK 17> --build-arg RUNTIME_IMAGE=<JRE 17> -t <name> .
ARG BUILD_IMAGE=maven:3.9-eclipse-temurin-17
ARG RUNTIME_IMAGE=eclipse-temurin:17-jre

FROM ${BUILD_IMAGE} AS build
WORKDIR /src
COPY pom.xml .
RUN mvn -B -ntp -q dependency:go-offline || true
COPY src src
RUN mvn -B -ntp package -DskipTests

FROM ${RUNTIME_IMAGE}
# A small, steady footprint (reasons in helm/pyfleet/README.md, "Memory"): the serial collector, a heap of 60% of the
# container's limit that gives memory back after a full GC, bounded code and class space, two malloc arenas.
ENV LANG=C.UTF-8 MALLOC_ARENA_MAX=2 JAVA_OPTS_APPEND="-XX:+UseSerialGC -XX:MaxRAMPercentage=60 -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=30 -XX:ReservedCodeCacheSize=64m -XX:MaxMetaspaceSize=128m -XX:TrimNativeHeapInterval=10000 -XX:+ExitOnOutOfMemoryError"
WORKDIR /deployments
# Fast-jar layers, least to most often changed, so a code change re-pushes only the last ones.
COPY --from=build --chown=1001:0 /src/target/quarkus-app/lib/ lib/
COPY --from=build --chown=1001:0 /src/target/quarkus-app/quarkus/ quarkus/
COPY --from=build --chown=1001:0 /src/target/quarkus-app/app/ app/
COPY --from=build --chown=1001:0 /src/target/quarkus-app/quarkus-run.jar quarkus-run.jar
USER 1001:0
EXPOSE 8080
# Arguments go to the jar: none starts the operator, `replay ...` and `what-if ...` run the placement tools.
ENTRYPOINT ["sh", "-c", "exec java $JAVA_OPTS_APPEND -jar /deployments/quarkus-run.jar \"$@\"", "--"]
