# Build with the README's command, run the embedded server as a non-root user.
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml .
COPY src src
RUN mvn -q package -DskipTests

FROM eclipse-temurin:17-jre
RUN useradd --system --uid 10001 streamrpc
WORKDIR /app
COPY --from=build /src/target/streamrpc-server.jar /src/target/streamrpc.war ./
COPY --from=build /src/target/lib ./lib
USER streamrpc
EXPOSE 8080
# Settings come from the environment: PORT and the MicroProfile Config keys (STREAM_...).
CMD ["java", "-jar", "streamrpc-server.jar"]
