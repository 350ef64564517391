package dev.streamrpc.rpc.cdi;

import dev.streamrpc.api.RpcContext;
import dev.streamrpc.api.RpcException;
import dev.streamrpc.api.RpcMethod;
import dev.streamrpc.rpc.ViolationMapper;
import jakarta.annotation.Priority;
import jakarta.inject.Inject;
import jakarta.interceptor.AroundInvoke;
import jakarta.interceptor.Interceptor;
import jakarta.interceptor.InvocationContext;
import jakarta.json.JsonValue;
import jakarta.validation.ConstraintViolation;

import java.util.Map;
import java.util.Set;

/**
 * Validates an RPC method's payload with Bean Validation before the method runs, and refuses
 * the call with one field error per violation.
 */
@RpcMethod
@Interceptor
@Priority(Interceptor.Priority.LIBRARY_BEFORE + 100)
public class PayloadValidation {

    @Inject
    Validators validators;

    @AroundInvoke
    Object validate(InvocationContext invocation) throws Exception {
        for (Object parameter : invocation.getParameters()) {
            if (parameter == null || parameter instanceof RpcContext || parameter instanceof JsonValue
                    || parameter instanceof Map) {
                continue;
            }
            Set<ConstraintViolation<Object>> violations = validators.validator().validate(parameter);
            if (!violations.isEmpty()) {
                throw RpcException.invalidParameters(ViolationMapper.errors(violations));
            }
        }
        return invocation.proceed();
    }
}
