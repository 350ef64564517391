package dev.streamrpc.architecture;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/** The package rules of docs/ARCHITECTURE.md, held on the compiled classes. */
@AnalyzeClasses(packages = "dev.streamrpc", importOptions = ImportOption.DoNotIncludeTests.class)
class PackageRulesTest {

    @ArchTest
    static final ArchRule dependenciesGoOneWay = layeredArchitecture().consideringOnlyDependenciesInAnyPackage("dev.streamrpc..")
            .layer("api").definedBy("dev.streamrpc.api..")
            .layer("config").definedBy("dev.streamrpc.config..")
            .layer("broker").definedBy("dev.streamrpc.broker")
            .layer("brokers").definedBy("dev.streamrpc.broker.memory..", "dev.streamrpc.broker.redis..")
            .layer("rpc").definedBy("dev.streamrpc.rpc..")
            .layer("pubsub").definedBy("dev.streamrpc.pubsub..")
            .layer("discovery").definedBy("dev.streamrpc.discovery..")
            .layer("transport").definedBy("dev.streamrpc.transport..")
            .layer("ops").definedBy("dev.streamrpc.ops..")
            .layer("demo").definedBy("dev.streamrpc.demo..")
            .layer("server").definedBy("dev.streamrpc.server..")
            .whereLayer("server").mayNotBeAccessedByAnyLayer()
            .whereLayer("demo").mayNotBeAccessedByAnyLayer()
            .whereLayer("ops").mayNotBeAccessedByAnyLayer()
            .whereLayer("transport").mayOnlyBeAccessedByLayers("ops")
            .whereLayer("discovery").mayNotBeAccessedByAnyLayer()
            .whereLayer("pubsub").mayOnlyBeAccessedByLayers("transport", "discovery", "ops")
            .whereLayer("rpc").mayOnlyBeAccessedByLayers("transport", "discovery")
            .whereLayer("brokers").mayOnlyBeAccessedByLayers("config")
            .whereLayer("broker").mayOnlyBeAccessedByLayers("brokers", "config", "pubsub", "transport", "ops", "server")
            .whereLayer("config").mayOnlyBeAccessedByLayers("rpc", "pubsub", "discovery", "transport", "ops")
            .whereLayer("api").mayOnlyBeAccessedByLayers("config", "broker", "brokers", "rpc", "pubsub", "discovery", "transport", "ops", "demo");

    @ArchTest
    static final ArchRule onlyTheTransportKnowsWebSockets = noClasses()
            .that().resideOutsideOfPackages("dev.streamrpc.transport..", "dev.streamrpc.server..")
            .should().dependOnClassesThat().resideInAPackage("jakarta.websocket..");

    @ArchTest
    static final ArchRule onlyTheSendSeamAndTheLauncherKnowJetty = noClasses()
            .that().resideOutsideOfPackage("dev.streamrpc.server..")
            .and().doNotHaveSimpleName("JettySender")
            .should().dependOnClassesThat().resideInAPackage("org.eclipse.jetty..");

    @ArchTest
    static final ArchRule theClientStandsAlone = noClasses().that().resideInAPackage("dev.streamrpc.client..")
            .should().dependOnClassesThat().resideOutsideOfPackages("dev.streamrpc.client..", "java..", "jakarta.json..");

    @ArchTest
    static final ArchRule nothingUsesTheClient = noClasses().that().resideOutsideOfPackage("dev.streamrpc.client..")
            .should().dependOnClassesThat().resideInAPackage("dev.streamrpc.client..");

    @ArchTest
    static final ArchRule noCycles = slices().matching("dev.streamrpc.(*)..").should().beFreeOfCycles();
}
