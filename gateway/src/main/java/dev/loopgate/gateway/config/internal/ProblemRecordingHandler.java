package dev.loopgate.gateway.config.internal;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.deser.DeserializationProblemHandler;
import com.fasterxml.jackson.databind.deser.ValueInstantiator;
import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Lets Jackson bind a whole {@link RawGatewayConfig} past its problems: an unknown
 * field or a value of the wrong type is recorded with its path and binds as null, and
 * binding goes on, so that one run reports every such problem.
 */
final class ProblemRecordingHandler extends DeserializationProblemHandler {
    private static final PropertyNamingStrategies.NamingBase SNAKE_CASE =
            (PropertyNamingStrategies.NamingBase) PropertyNamingStrategies.SNAKE_CASE;

    private final Problems problems;
    private final ValueDescriber describer;

    ProblemRecordingHandler(Problems problems, ValueDescriber describer) {
        this.problems = problems;
        this.describer = describer;
    }

    @Override
    public boolean handleUnknownProperty(DeserializationContext ctxt, JsonParser p, JsonDeserializer<?> deserializer,
            Object beanOrClass, String propertyName) throws IOException {
        String path = ValueDescriber.pathOf(p);
        problems.add(path, "unknown field '" + propertyName + "' (expected one of: "
                + String.join(", ", knownNames(deserializer)) + ")");
        p.skipChildren();
        return true;
    }

    @Override
    public Object handleWeirdStringValue(DeserializationContext ctxt, Class<?> targetType, String valueToConvert,
            String failureMsg) {
        String path = ValueDescriber.pathOf(ctxt.getParser());
        problems.add(path, "expected " + ValueDescriber.expected(targetType) + ", got "
                + describer.quote(valueToConvert, path));
        return null;
    }

    @Override
    public Object handleWeirdNumberValue(DeserializationContext ctxt, Class<?> targetType, Number valueToConvert,
            String failureMsg) {
        String path = ValueDescriber.pathOf(ctxt.getParser());
        problems.add(path, "expected " + ValueDescriber.expected(targetType) + ", got " + valueToConvert);
        return null;
    }

    @Override
    public Object handleUnexpectedToken(DeserializationContext ctxt, JavaType targetType, JsonToken t, JsonParser p,
            String failureMsg) throws IOException {
        String path = ValueDescriber.pathOf(p);
        problems.add(path, "expected " + ValueDescriber.expected(targetType) + ", got " + describer.found(p, path));
        p.skipChildren();
        return null;
    }

    @Override
    public Object handleMissingInstantiator(DeserializationContext ctxt, Class<?> instClass,
            ValueInstantiator valueInsts, JsonParser p, String msg) throws IOException {
        String path = ValueDescriber.pathOf(p);
        problems.add(path, "expected " + ValueDescriber.expected(instClass) + ", got " + describer.found(p, path));
        p.skipChildren();
        return null;
    }

    /** The YAML names of the fields {@code deserializer} binds, in declaration order. */
    private static List<String> knownNames(JsonDeserializer<?> deserializer) {
        List<String> names = new ArrayList<>();
        Class<?> type = deserializer.handledType();
        if (type != null && type.isRecord()) {
            for (RecordComponent component : type.getRecordComponents()) {
                names.add(SNAKE_CASE.translate(component.getName()));
            }
            return names;
        }
        Collection<Object> known = deserializer.getKnownPropertyNames();
        if (known != null) {
            known.forEach(name -> names.add(String.valueOf(name)));
        }
        return names;
    }
}
