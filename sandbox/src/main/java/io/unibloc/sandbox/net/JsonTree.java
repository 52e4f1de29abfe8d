package io.unibloc.sandbox.net;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A JSON document as plain Java values (maps, lists, strings, numbers, booleans, {@code null}) read with Jackson's
 * streaming parser: iproute2's output is read before the VMM starts, where data binding's start-up (hundreds of
 * classes, ~0.3 s without a warm archive) would cost more than the network setup itself.
 */
final class JsonTree {

    private static final JsonFactory FACTORY = new JsonFactory();

    private JsonTree() {}

    /** @throws IOException (Jackson's {@code JsonProcessingException}) when {@code json} is not one JSON value */
    static Object parse(String json) throws IOException {
        try (JsonParser parser = FACTORY.createParser(json)) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                throw new IOException("no JSON value");
            }
            return value(parser);
        }
    }

    /** The field's text ({@code fallback} when missing or null), numbers and booleans as their text. */
    static String text(Object object, String field, String fallback) {
        Object value = object instanceof Map<?, ?> map ? map.get(field) : null;
        return value == null || value instanceof Map || value instanceof List ? fallback : String.valueOf(value);
    }

    /** The field as a whole number, {@code fallback} when missing or not a number. */
    static int integer(Object object, String field, int fallback) {
        Object value = object instanceof Map<?, ?> map ? map.get(field) : null;
        return value instanceof Number number ? number.intValue() : fallback;
    }

    /** The field's elements, empty when missing or not an array. */
    static List<?> list(Object object, String field) {
        Object value = object instanceof Map<?, ?> map ? map.get(field) : null;
        return value instanceof List<?> values ? values : List.of();
    }

    private static Object value(JsonParser parser) throws IOException {
        switch (parser.currentToken()) {
            case START_OBJECT -> {
                Map<String, Object> object = new LinkedHashMap<>();
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    String name = parser.currentName();
                    parser.nextToken();
                    object.put(name, value(parser));
                }
                return object;
            }
            case START_ARRAY -> {
                List<Object> array = new ArrayList<>();
                while (parser.nextToken() != JsonToken.END_ARRAY) {
                    array.add(value(parser));
                }
                return array;
            }
            case VALUE_STRING -> {
                return parser.getText();
            }
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> {
                return parser.getNumberValue();
            }
            case VALUE_TRUE -> {
                return Boolean.TRUE;
            }
            case VALUE_FALSE -> {
                return Boolean.FALSE;
            }
            default -> {
                return null;
            }
        }
    }
}
