# Stage 1: build with the README's command (Maven on JDK 17).
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml .
RUN mvn -q -B dependency:go-offline || true
COPY src src
RUN mvn -q -B package -DskipTests

# Stage 2: only a JRE, the server jar, its lib/ and the WAR.
FROM eclipse-temurin:17-jre
RUN useradd --system --uid 10001 --no-create-home streamrpc
WORKDIR /app
COPY --from=build /src/target/streamrpc-server.jar /src/target/streamrpc.war ./
COPY --from=build /src/target/lib ./lib
USER streamrpc
EXPOSE 8080
# Configuration comes only from the environment: PORT and the MicroProfile Config keys
# (STREAM_BROKER, STREAM_REDIS_URI, STREAM_MAX_SUBSCRIPTIONS, ...); JVM and log options
# through JAVA_TOOL_OPTIONS, for example "-Ddev.streamrpc.LEVEL=DEBUG".
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s --retries=3 \
  CMD ["java", "-cp", "streamrpc-server.jar", "dev.streamrpc.server.HealthCheck"]
# The README's command: see "Memory and the JVM" there for why SerialGC.
CMD ["java", "-XX:+UseSerialGC", "-jar", "streamrpc-server.jar"]
