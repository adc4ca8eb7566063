/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.architecture;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import com.tngtech.archunit.library.Architectures;
import org.junit.jupiter.api.Test;

/**
 * The trainer's packages depend one way (ARCHITECTURE.md): {@code cli} (and the benchmarks) →
 * {@code train}, {@code eval}, {@code prepare}, {@code progress}, {@code device}, {@code publish} →
 * {@code source}, {@code data}, {@code oci} → {@code model} → {@code io}. The root package holds
 * the entry point, which only the JVM calls, and {@link dev.finetune.trainer.TrainerException},
 * which every layer throws (it belongs to no layer).
 */
class PackageDependencyTest {
  private static final String TRAINER = "dev.finetune.trainer";

  private static final JavaClasses CLASSES =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages(TRAINER);

  /** Sub-packages only: the root's exception is used everywhere by design. */
  private static ArchRule noCycles(String base) {
    return slices().matching(base + ".(*)..").should().beFreeOfCycles();
  }

  private static ArchRule layers(String base) {
    return Architectures.layeredArchitecture()
        .consideringOnlyDependenciesInLayers()
        .withOptionalLayers(true)
        .layer("entry")
        .definedBy(
            DescribedPredicate.describe(
                "the entry point",
                c -> c.getPackageName().equals(base) && c.getSimpleName().endsWith("Main")))
        .layer("cli")
        .definedBy(base + ".cli..", base + ".bench..")
        .layer("run")
        .definedBy(
            base + ".train..",
            base + ".eval..",
            base + ".prepare..",
            base + ".progress..",
            base + ".device..",
            base + ".publish..")
        .layer("inputs")
        .definedBy(base + ".source..", base + ".data..", base + ".oci..")
        .layer("model")
        .definedBy(base + ".model..")
        .layer("io")
        .definedBy(base + ".io..")
        .whereLayer("entry")
        .mayNotBeAccessedByAnyLayer()
        .whereLayer("cli")
        .mayOnlyBeAccessedByLayers("entry")
        .whereLayer("run")
        .mayOnlyBeAccessedByLayers("entry", "cli")
        .whereLayer("inputs")
        .mayOnlyBeAccessedByLayers("entry", "cli", "run")
        .whereLayer("model")
        .mayOnlyBeAccessedByLayers("entry", "cli", "run", "inputs")
        .whereLayer("io")
        .mayOnlyBeAccessedByLayers("entry", "cli", "run", "inputs", "model");
  }

  @Test
  void trainerPackagesHaveNoCycle() {
    noCycles(TRAINER).check(CLASSES);
  }

  @Test
  void layersDependOneWay() {
    layers(TRAINER).check(CLASSES);
  }

  @Test
  void theRootPackageIsTheEntryPointAndTheSharedException() {
    assertThat(
            CLASSES.stream()
                .filter(c -> c.getPackageName().equals(TRAINER) && c.getEnclosingClass().isEmpty())
                .map(c -> c.getSimpleName()))
        .containsExactlyInAnyOrder("TrainerMain", "TrainerException");
  }

  @Test
  void theRulesCatchAPlantedViolation() {
    // archfixture.model.PlantedModel imports archfixture.train.PlantedTrain, which imports it back:
    // both a cycle and a model class reaching up into a training class.
    String planted = "dev.finetune.trainer.architecture.archfixture";
    JavaClasses classes = new ClassFileImporter().importPackages(planted);

    EvaluationResult cycle = noCycles(planted).evaluate(classes);
    assertThat(cycle.hasViolation()).isTrue();
    assertThat(cycle.getFailureReport().toString()).contains("Cycle detected");

    EvaluationResult layering = layers(planted).evaluate(classes);
    assertThat(layering.hasViolation()).isTrue();
    assertThat(layering.getFailureReport().toString())
        .contains("PlantedModel")
        .contains("PlantedTrain");
  }
}
