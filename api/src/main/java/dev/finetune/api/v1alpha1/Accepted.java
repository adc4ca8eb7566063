/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.api.v1alpha1;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * What a field's {@code @Pattern} accepts, in words and examples: the text a refusal shows instead
 * of the regular expression (as Kubernetes' {@code RegexError} does). It completes "write it as
 * ...", e.g. {@code "a number of cores, e.g. 8, 0.5 or 7500m"}. The pattern stays the CRD's rule;
 * every field with one has this beside it (the operator's {@code SchemaConstraintsTest}).
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.FIELD)
public @interface Accepted {
  String value();
}
