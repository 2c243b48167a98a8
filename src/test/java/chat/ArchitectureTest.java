package chat;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The shape of the code (README, "Architecture", and docs/ARCHITECTURE.md): one package per
 * component, and per boundary/control/entity layer inside one; every dependency points down the
 * layers below. A new cycle or an arrow pointing up fails the build here, not in a review.
 */
@AnalyzeClasses(packages = "chat", importOptions = {ImportOption.DoNotIncludeTests.class, ImportOption.DoNotIncludeJars.class})
class ArchitectureTest {

    @ArchTest
    static final ArchRule noPackageCycles = slices().matching("chat.(**)").should().beFreeOfCycles()
            .because("two packages that need each other are one component pretending to be two");

    /** From the top: a frame enters at the transport, is posted by messages, reaches local sockets through the hub and other nodes through the relay. */
    @ArchTest
    static final ArchRule layers = layeredArchitecture().consideringOnlyDependenciesInLayers()
            .ensureAllClassesAreContainedInArchitecture()
            .layer("node").definedBy("chat.node..")
            .layer("seeding").definedBy("chat.seeding..")
            .layer("transport").definedBy("chat.realtime.socket..", "chat.realtime.tyrus..")
            .layer("read state").definedBy("chat.reads..", "chat.availability..")
            .layer("messages").definedBy("chat.messages.boundary..", "chat.messages.control..")
            .layer("relay").definedBy("chat.realtime.relay..")
            .layer("hub").definedBy("chat.realtime.hub..")
            .layer("message values").definedBy("chat.messages.entity..")
            .layer("domain").definedBy("chat.users..", "chat.sessions..", "chat.rooms..", "chat.presence..", "chat.limits..",
                    "chat.directory..")
            .layer("foundation").definedBy("chat.config..", "chat.redis..", "chat.api..", "chat.operations..", "chat.text..")
            .whereLayer("node").mayNotBeAccessedByAnyLayer()
            .whereLayer("seeding").mayOnlyBeAccessedByLayers("node")
            .whereLayer("transport").mayNotBeAccessedByAnyLayer()
            .whereLayer("read state").mayNotBeAccessedByAnyLayer()
            .whereLayer("messages").mayOnlyBeAccessedByLayers("transport", "seeding", "node")
            .whereLayer("relay").mayOnlyBeAccessedByLayers("messages", "transport", "node")
            .whereLayer("hub").mayOnlyBeAccessedByLayers("relay", "messages", "read state", "transport", "node")
            .whereLayer("message values").mayOnlyBeAccessedByLayers("hub", "relay", "messages", "read state", "transport", "seeding", "node")
            .whereLayer("domain").mayOnlyBeAccessedByLayers("hub", "relay", "messages", "read state", "transport", "seeding", "node")
            .because("presence, users, sessions, rooms, limits and the directory know nothing of messages or sockets:"
                    + " they fire events and take suppliers instead (docs/ARCHITECTURE.md)");

    @ArchTest
    static final ArchRule foundationsDependOnNothingAbove = noClasses().that()
            .resideInAnyPackage("chat.config..", "chat.redis..", "chat.api..", "chat.operations..", "chat.text..")
            .should().dependOnClassesThat().resideInAnyPackage("chat.users..", "chat.sessions..", "chat.rooms..", "chat.presence..",
                    "chat.limits..", "chat.directory..", "chat.messages..", "chat.realtime..", "chat.reads..", "chat.availability..",
                    "chat.seeding..", "chat.node..")
            .because("settings, Redis, the API's plumbing, metrics and text rules are used by every component and use none");

    @ArchTest
    static final ArchRule settingsDependOnNothingOfOurs = noClasses().that().resideInAPackage("chat.config..")
            .should().dependOnClassesThat().resideInAnyPackage("chat.redis..", "chat.api..", "chat.operations..");

    @ArchTest
    static final ArchRule entitiesAreValues = noClasses().that().resideInAPackage("..entity..")
            .should().dependOnClassesThat().resideInAnyPackage("..control..", "..boundary..");

    @ArchTest
    static final ArchRule boundariesAreEntryPoints = noClasses().that().resideOutsideOfPackage("..boundary..")
            .should().dependOnClassesThat().resideInAPackage("..boundary..")
            .because("a resource is called by the container, never by our code");
}
