/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.operator.architecture;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import com.tngtech.archunit.library.Architectures;
import org.junit.jupiter.api.Test;

/**
 * The operator's packages depend one way (ARCHITECTURE.md): {@code config} and {@code desired}
 * (pure desired state, names, labels, defaults, volumes) at the bottom; {@code observe} (Job, pods,
 * progress polling) above them; {@code status} (conditions, reasons, events) above that; the {@code
 * reconciler} orders them, and the root package only wires.
 */
class PackageDependencyTest {
  private static final JavaClasses OPERATOR =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("dev.finetune.operator");

  /** Every sub-package, plus the root package as a slice of its own. */
  private static ArchRule noCycles() {
    return slices()
        .assignedFrom(PackageSlices.of("dev.finetune.operator"))
        .should()
        .beFreeOfCycles();
  }

  @Test
  void operatorPackagesHaveNoCycle() {
    noCycles().check(OPERATOR);
  }

  @Test
  void theCycleRuleCatchesAPlantedCycle() {
    // Two test-only packages that import each other (archfixture.a ↔ archfixture.b).
    JavaClasses planted =
        new ClassFileImporter().importPackages("dev.finetune.operator.architecture.archfixture");
    EvaluationResult result =
        slices()
            .assignedFrom(PackageSlices.of("dev.finetune.operator.architecture.archfixture"))
            .should()
            .beFreeOfCycles()
            .evaluate(planted);
    assertThat(result.hasViolation()).isTrue();
    assertThat(result.getFailureReport().toString()).contains("Cycle detected");
  }

  @Test
  void layersDependOneWay() {
    Architectures.layeredArchitecture()
        .consideringOnlyDependenciesInLayers()
        .layer("wiring")
        .definedBy("dev.finetune.operator")
        .layer("reconciler")
        .definedBy("dev.finetune.operator.reconciler..")
        .layer("status")
        .definedBy("dev.finetune.operator.status..")
        .layer("observe")
        .definedBy("dev.finetune.operator.observe..")
        .layer("validation")
        .definedBy("dev.finetune.operator.validation..")
        .layer("metrics")
        .definedBy("dev.finetune.operator.metrics..")
        .layer("desired")
        .definedBy("dev.finetune.operator.desired..")
        .layer("http")
        .definedBy("dev.finetune.operator.http..")
        .layer("config")
        .definedBy("dev.finetune.operator.config..")
        .whereLayer("wiring")
        .mayNotBeAccessedByAnyLayer()
        .whereLayer("reconciler")
        .mayOnlyBeAccessedByLayers("wiring")
        .whereLayer("status")
        .mayOnlyBeAccessedByLayers("reconciler", "wiring")
        .whereLayer("observe")
        .mayOnlyBeAccessedByLayers("status", "reconciler", "wiring")
        .whereLayer("validation")
        .mayOnlyBeAccessedByLayers("reconciler", "wiring")
        .whereLayer("metrics")
        .mayOnlyBeAccessedByLayers("reconciler", "wiring")
        .whereLayer("http")
        .mayOnlyBeAccessedByLayers("wiring")
        .check(OPERATOR);
  }
}
