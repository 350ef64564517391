package dev.streamrpc.rpc;

import dev.streamrpc.api.RpcException;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.json.bind.annotation.JsonbCreator;
import jakarta.json.bind.annotation.JsonbProperty;
import jakarta.json.bind.annotation.JsonbTransient;
import jakarta.json.bind.annotation.JsonbTypeDeserializer;
import jakarta.json.bind.serializer.DeserializationContext;
import jakarta.json.bind.serializer.JsonbDeserializer;
import jakarta.json.stream.JsonParser;
import jakarta.validation.Valid;
import jakarta.validation.Validation;
import jakarta.validation.Validator;
import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import org.hibernate.validator.HibernateValidator;
import org.junit.jupiter.api.Test;

import java.io.StringReader;
import java.lang.reflect.Type;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Payload binding with JSON-B, and how validation violations become field errors. */
class PayloadBinderTest {

    public record Signup(@NotBlank String name, @NotNull @Email String email, @Positive int age,
                         @NotEmpty List<String> tags, @JsonbProperty("ref-code") String refCode) {
    }

    public record Values(JsonValue channel, JsonValue event, JsonValue since) {
    }

    public record Renamed(@JsonbProperty("ch") JsonValue channel, JsonValue event) {
    }

    @JsonbTypeDeserializer(Customised.Reader.class)
    public record Customised(JsonValue channel) {
        public static final class Reader implements JsonbDeserializer<Customised> {
            @Override
            public Customised deserialize(JsonParser parser, DeserializationContext context, Type type) {
                return new Customised(Json.createValue("read by " + parser.getObject().getString("channel")));
            }
        }
    }

    public record Refusing(JsonValue channel) {
        public Refusing {
            if (channel == null) {
                throw new IllegalArgumentException("no channel");
            }
        }
    }

    public static class Settings {
        public boolean dark;
        public int size;
    }

    public record Counts(int quantity, Long total, List<Integer> sizes) {
    }

    public static class ThemeSettings extends Settings {
        public String theme;
    }

    public record Tagged(List<@NotBlank String> tags, Map<String, @Positive Integer> stock, @Valid List<Signup> signups) {
    }

    public record Flags(boolean on, Boolean maybe, char initial, Character mark, float ratio, double amount,
                        String name, List<Boolean> bits, Map<String, Boolean> toggles, boolean[] raw,
                        Optional<Boolean> opt, @JsonbProperty("big-name") String renamed, List<Flags> more) {
    }

    /** Bound through its setter, as JSON-B binds a POJO's private field. */
    public static class Prefs {
        private boolean quiet;
        public Character grade;

        public void setQuiet(boolean quiet) {
            this.quiet = quiet;
        }
    }

    public record Lenient(@JsonbTypeDeserializer(YesNo.class) Boolean agreed) {
        public static final class YesNo implements JsonbDeserializer<Boolean> {
            @Override
            public Boolean deserialize(JsonParser parser, DeserializationContext context, Type type) {
                return parser.getString().equals("yes");
            }
        }
    }

    /** Its final field is not bound: JSON-B ignores the key. */
    public static class Locked {
        public final boolean flag = false;
        public String name;
    }

    /** A getter's {@code @JsonbTransient} leaves the property out both ways. */
    public static class Hidden {
        private boolean flag;

        @JsonbTransient
        public boolean isFlag() {
            return flag;
        }

        public void setFlag(boolean flag) {
            this.flag = flag;
        }
    }

    /** Bound through its creator, whose parameters are what JSON-B reads. */
    public static class Created {
        public final boolean flag;
        public final boolean strict;

        @JsonbCreator
        public Created(@JsonbProperty("flag") String flag, @JsonbProperty("strict") boolean strict) {
            this.flag = flag.equals("yes");
            this.strict = strict;
        }
    }

    public static class Box<T> {
        public T value;
    }

    /** Its member is declared {@code T value} in the superclass. */
    public static class BoolBox extends Box<Boolean> {
    }

    public static class Page<T> {
        public List<T> items;
        public T first;
    }

    /** Only its generic type is used: {@code Page<Boolean>}, as a method's payload parameter would declare it. */
    static Page<Boolean> pageOfBooleans;

    private final Jsonb jsonb = JsonbBuilder.create();
    private final PayloadBinder binder = new PayloadBinder(jsonb);
    private final Validator validator = Validation.byProvider(HibernateValidator.class).configure()
            .defaultLocale(Locale.ENGLISH).buildValidatorFactory().getValidator();

    private static JsonObject json(String text) {
        return Json.createReader(new StringReader(text)).readObject();
    }

    @Test
    void bindsRecordsPojosMapsAndJsonAsIs() {
        Signup signup = (Signup) binder.bind(json("{\"name\":\"ada\",\"email\":\"a@b.c\",\"age\":36,\"tags\":[\"x\"],\"ref-code\":\"r\"}"), Signup.class);
        assertThat(signup).isEqualTo(new Signup("ada", "a@b.c", 36, List.of("x"), "r"));
        Settings settings = (Settings) binder.bind(json("{\"dark\":true,\"size\":3,\"unknown\":1}"), Settings.class);
        assertThat(settings.dark).isTrue();
        assertThat(settings.size).isEqualTo(3);
        assertThat(binder.bind(json("{\"a\":1}"), Map.class)).isEqualTo(Map.of("a", java.math.BigDecimal.ONE));
        JsonObject raw = json("{\"any\":[1,{}]}");
        assertThat(binder.bind(raw, JsonObject.class)).isSameAs(raw);
        assertThat(binder.bind(raw, JsonValue.class)).isSameAs(raw);
    }

    @Test
    void recordsOfJsonValuesTakeTheParsedValuesAsJsonbWouldBindThem() {
        for (String text : List.of("{\"channel\":\"c\",\"event\":null,\"other\":1}", "{}",
                "{\"channel\":{\"deep\":[1,2.50,null]},\"since\":{\"offset\":12345678901234567890}}")) {
            JsonObject payload = json(text);
            Values bound = (Values) binder.bind(payload, Values.class);
            assertThat(bound).isEqualTo(jsonb.fromJson(text, Values.class));
            // The parsed values themselves: no trip through the payload's text.
            assertThat(bound.channel()).isSameAs(payload.get("channel"));
        }
        // A JSON-B annotation leaves the record to JSON-B, which honours it.
        assertThat(binder.bind(json("{\"ch\":\"c\",\"channel\":\"x\"}"), Renamed.class))
                .isEqualTo(new Renamed(Json.createValue("c"), null));
        // So does one on the record type itself, which no component or constructor parameter shows.
        assertThat(binder.bind(json("{\"channel\":\"c\"}"), Customised.class))
                .isEqualTo(new Customised(Json.createValue("read by c")));
        assertThat(binder.bind(json("{\"channel\":1}"), Refusing.class)).isEqualTo(new Refusing(Json.createValue(1)));
        assertThatThrownBy(() -> binder.bind(json("{}"), Refusing.class))
                .isInstanceOfSatisfying(RpcException.class, e -> assertThat(e.errors()).isEqualTo(Map.of("payload", "invalid value")));
    }

    @Test
    void aValueOfTheWrongTypeIsBlamedOnItsField() {
        assertThatThrownBy(() -> binder.bind(json("{\"name\":\"a\",\"age\":\"old\"}"), Signup.class))
                .isInstanceOfSatisfying(RpcException.class, e -> {
                    assertThat(e.getMessage()).isEqualTo("Invalid RPC parameters");
                    assertThat(e.errors()).isEqualTo(Map.of("age", "invalid value"));
                });
        assertThatThrownBy(() -> binder.bind(json("{\"ref-code\":\"r\",\"tags\":{}}"), Signup.class))
                .isInstanceOfSatisfying(RpcException.class, e -> assertThat(e.errors()).isEqualTo(Map.of("tags", "invalid value")));
        assertThatThrownBy(() -> binder.bind(json("{\"size\":[]}"), Settings.class))
                .isInstanceOfSatisfying(RpcException.class, e -> assertThat(e.errors()).isEqualTo(Map.of("size", "invalid value")));
        // A primitive cannot hold null: that field is to blame, not the whole payload.
        assertThatThrownBy(() -> binder.bind(json("{\"dark\":true,\"size\":null}"), Settings.class))
                .isInstanceOfSatisfying(RpcException.class, e -> assertThat(e.errors()).isEqualTo(Map.of("size", "invalid value")));
        assertThatThrownBy(() -> binder.bind(json("{\"total\":null,\"quantity\":null}"), Counts.class))
                .isInstanceOfSatisfying(RpcException.class, e -> assertThat(e.errors()).isEqualTo(Map.of("quantity", "invalid value")));
        // A field the POJO inherits is blamed as its own.
        assertThatThrownBy(() -> binder.bind(json("{\"theme\":\"dark\",\"size\":\"big\"}"), ThemeSettings.class))
                .isInstanceOfSatisfying(RpcException.class, e -> assertThat(e.errors()).isEqualTo(Map.of("size", "invalid value")));
    }

    @Test
    void aNumberAnIntOrALongCannotHoldExactlyIsAnInvalidValueNotAnotherNumber() {
        // JSON-B's readers used to truncate: 4294967297 was read as 1, and 1.5 as 1.
        Map<String, String> blamed = Map.of(
                "{\"quantity\":4294967297}", "quantity",
                "{\"quantity\":-2147483649}", "quantity",
                "{\"quantity\":1.5}", "quantity",
                "{\"total\":9223372036854775808}", "total",
                "{\"total\":1e19}", "total",
                "{\"sizes\":[1,4294967296]}", "sizes");
        blamed.forEach((text, field) -> assertThatThrownBy(() -> binder.bind(json(text), Counts.class)).as(text)
                .isInstanceOfSatisfying(RpcException.class, e -> assertThat(e.errors()).isEqualTo(Map.of(field, "invalid value"))));
        assertThat(binder.bind(json("{\"quantity\":1e2,\"total\":-9223372036854775808,\"sizes\":[1.0,\"7\"]}"), Counts.class))
                .isEqualTo(new Counts(100, Long.MIN_VALUE, List.of(1, 7)));
    }

    @Test
    void aScalarJsonbWouldBindByLosingItIsAnInvalidValue() {
        // Yasson bound each of these: 1 and "yes" as false, "abc" as 'a', 65 as '6', 1e40 as
        // Infinity, an array as its last element.
        Map<String, String> blamed = new java.util.LinkedHashMap<>();
        for (String field : List.of("{\"on\":1}", "{\"on\":0}", "{\"on\":[true]}", "{\"maybe\":\"yes\"}")) {
            blamed.put(field, "on");
        }
        blamed.put("{\"maybe\":\"yes\"}", "maybe");
        blamed.put("{\"initial\":\"abc\"}", "initial");
        blamed.put("{\"initial\":65}", "initial");
        blamed.put("{\"initial\":true}", "initial");
        blamed.put("{\"initial\":\"\"}", "initial");
        blamed.put("{\"mark\":\"\uD83D\uDE00\"}", "mark");
        blamed.put("{\"ratio\":1e40}", "ratio");
        blamed.put("{\"ratio\":\"1e40\"}", "ratio");
        blamed.put("{\"amount\":-1e400}", "amount");
        blamed.put("{\"name\":[\"a\",\"b\"]}", "name");
        blamed.put("{\"bits\":[true,1]}", "bits");
        blamed.put("{\"toggles\":{\"x\":true,\"y\":1}}", "toggles");
        blamed.put("{\"raw\":[1]}", "raw");
        blamed.put("{\"opt\":1}", "opt");
        blamed.put("{\"big-name\":[\"a\"]}", "big-name");
        blamed.put("{\"more\":[{\"on\":true},{\"more\":[{\"initial\":\"xy\"}]}]}", "more");
        blamed.forEach((text, field) -> assertThatThrownBy(() -> binder.bind(json(text), Flags.class)).as(text)
                .isInstanceOfSatisfying(RpcException.class, e -> assertThat(e.errors()).isEqualTo(Map.of(field, "invalid value"))));
        assertThatThrownBy(() -> binder.bind(json("{\"quantity\":[5]}"), Counts.class))
                .isInstanceOfSatisfying(RpcException.class, e -> assertThat(e.errors()).isEqualTo(Map.of("quantity", "invalid value")));
        assertThatThrownBy(() -> binder.bind(json("{\"quiet\":1}"), Prefs.class))
                .isInstanceOfSatisfying(RpcException.class, e -> assertThat(e.errors()).isEqualTo(Map.of("quiet", "invalid value")));
        assertThatThrownBy(() -> binder.bind(json("{\"grade\":\"AB\"}"), Prefs.class))
                .isInstanceOfSatisfying(RpcException.class, e -> assertThat(e.errors()).isEqualTo(Map.of("grade", "invalid value")));
    }

    @Test
    void whatAScalarHoldsStillBindsAsJsonbReadsIt() {
        Flags flags = (Flags) binder.bind(json("{\"on\":true,\"maybe\":\"TRUE\",\"initial\":\"a\",\"mark\":null,"
                + "\"ratio\":1e-50,\"amount\":\"-Infinity\",\"name\":5,\"bits\":[false,null],\"toggles\":{\"x\":true},"
                + "\"raw\":[true],\"opt\":false,\"big-name\":\"b\",\"more\":[{\"initial\":\"z\"}]}"), Flags.class);
        assertThat(flags.on()).isTrue();
        assertThat(flags.maybe()).isTrue();
        assertThat(flags.initial()).isEqualTo('a');
        assertThat(flags.ratio()).isZero();   // rounded to the nearest float, as any number is
        assertThat(flags.amount()).isEqualTo(Double.NEGATIVE_INFINITY);
        assertThat(flags.name()).isEqualTo("5");
        assertThat(flags.bits()).containsExactly(false, null);
        assertThat(flags.raw()).containsExactly(true);
        assertThat(flags.opt()).contains(false);
        assertThat(flags.renamed()).isEqualTo("b");
        assertThat(flags.more().get(0).initial()).isEqualTo('z');
        // A property read by its own deserializer is left to it.
        assertThat(binder.bind(json("{\"agreed\":\"yes\"}"), Lenient.class)).isEqualTo(new Lenient(true));
    }

    @Test
    void membersJsonbDoesNotBindAreNotCheckedAndCreatorsAreCheckedByTheirParameters() {
        // Each was refused before, though JSON-B binds it: a final field, a transient getter, a creator's String.
        assertThat(((Locked) binder.bind(json("{\"flag\":\"yes\",\"name\":\"n\"}"), Locked.class)).name).isEqualTo("n");
        assertThat(((Hidden) binder.bind(json("{\"flag\":1}"), Hidden.class)).isFlag()).isFalse();
        assertThat(((Created) binder.bind(json("{\"flag\":\"yes\",\"strict\":true}"), Created.class)).flag).isTrue();
        assertThatThrownBy(() -> binder.bind(json("{\"flag\":\"yes\",\"strict\":1}"), Created.class))
                .isInstanceOfSatisfying(RpcException.class, e -> assertThat(e.errors()).isEqualTo(Map.of("strict", "invalid value")));
    }

    @Test
    void aMemberTypedByATypeVariableIsCheckedAsWhatItStandsFor() throws Exception {
        // Yasson bound [true, 1] as false: T is Boolean in BoolBox.
        assertThatThrownBy(() -> binder.bind(json("{\"value\":[true,1]}"), BoolBox.class))
                .isInstanceOfSatisfying(RpcException.class, e -> assertThat(e.errors()).isEqualTo(Map.of("value", "invalid value")));
        assertThat(((BoolBox) binder.bind(json("{\"value\":true}"), BoolBox.class)).value).isTrue();
        Type page = PayloadBinderTest.class.getDeclaredField("pageOfBooleans").getGenericType();
        for (String text : List.of("{\"items\":[true,1]}", "{\"first\":\"yes\"}")) {
            assertThatThrownBy(() -> binder.bind(json(text), page)).as(text).isInstanceOf(RpcException.class);
        }
        Page<?> bound = (Page<?>) binder.bind(json("{\"items\":[true,false],\"first\":true}"), page);
        assertThat(bound.items).isEqualTo(List.of(true, false));
        assertThat(bound.first).isEqualTo(true);
    }

    @Test
    void violationsBecomeOneErrorPerFieldAndMissingRequiredFieldsReadRequired() {
        Signup signup = (Signup) binder.bind(json("{\"name\":\"\",\"email\":\"nope\",\"age\":-1}"), Signup.class);
        Map<String, String> errors = ViolationMapper.errors(validator.validate(signup));
        assertThat(errors).containsExactly(
                Map.entry("age", "must be greater than 0"),
                Map.entry("email", "must be a well-formed email address"),
                Map.entry("name", "must not be blank"),
                Map.entry("tags", "required"));
        Signup empty = (Signup) binder.bind(json("{}"), Signup.class);
        assertThat(ViolationMapper.errors(validator.validate(empty)))
                .containsEntry("name", "required").containsEntry("email", "required").containsEntry("tags", "required");
    }

    @Test
    void aViolationInsideAContainerIsKeyedByTheElementsPathWithoutValidatorNodeNames() {
        // Hibernate Validator names the element node: the key read "tags[1].<list element>".
        Tagged tagged = (Tagged) binder.bind(json("{\"tags\":[\"a\",\" \"],\"stock\":{\"tea\":0},"
                + "\"signups\":[{\"name\":\"ada\",\"email\":\"a@b.c\",\"age\":1,\"tags\":[\"x\"]},{\"name\":\"\",\"email\":\"a@b.c\",\"age\":1,\"tags\":[\"x\"]}]}"), Tagged.class);
        assertThat(ViolationMapper.errors(validator.validate(tagged))).containsExactly(
                Map.entry("signups[1].name", "must not be blank"),
                Map.entry("stock[tea]", "must be greater than 0"),
                Map.entry("tags[1]", "must not be blank"));
    }
}
