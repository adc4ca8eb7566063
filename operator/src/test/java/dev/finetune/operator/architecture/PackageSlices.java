/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.operator.architecture;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;

/**
 * Slices by first sub-package below a base package, with the base package itself as one more slice
 * ("root"): ArchUnit's {@code matching("base.(*)..")} leaves the base package's own classes out,
 * and the operator's root package was part of the cycle this test exists to keep away.
 */
final class PackageSlices implements SliceAssignment {
  private final String base;

  private PackageSlices(String base) {
    this.base = base;
  }

  static PackageSlices of(String base) {
    return new PackageSlices(base);
  }

  @Override
  public SliceIdentifier getIdentifierOf(JavaClass javaClass) {
    String pkg = javaClass.getPackageName();
    if (pkg.equals(base)) {
      return SliceIdentifier.of("(root)");
    }
    if (!pkg.startsWith(base + ".")) {
      return SliceIdentifier.ignore();
    }
    String rest = pkg.substring(base.length() + 1);
    int dot = rest.indexOf('.');
    return SliceIdentifier.of(dot < 0 ? rest : rest.substring(0, dot));
  }

  @Override
  public String getDescription() {
    return "packages below " + base + " and " + base + " itself";
  }
}
