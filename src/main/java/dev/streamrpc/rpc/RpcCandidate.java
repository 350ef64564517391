package dev.streamrpc.rpc;

import java.lang.annotation.Annotation;
import java.lang.reflect.Method;

/**
 * A method annotated {@code @RpcMethod}, found on a bean at deployment.
 *
 * @param bean what the registry resolves a contextual reference from (a CDI {@code Bean})
 * @param beanClass the bean's class, named in error messages
 * @param method the annotated method
 * @param scope the bean's scope annotation
 */
public record RpcCandidate(Object bean, Class<?> beanClass, Method method, Class<? extends Annotation> scope) {
}
