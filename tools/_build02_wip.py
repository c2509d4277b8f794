"""Rebuild notebooks/02_sklearn_mlpclassifier.ipynb (issue 9 rework)."""
import json, copy
P = "/work/main/notebooks/02_sklearn_mlpclassifier.ipynb"
old = json.load(open(P))
cells = []

def md(text):
    cells.append({"cell_type": "markdown", "metadata": {}, "source": text.strip("\n")})

def code(text, tags=None, alt=None):
    meta = {}
    if tags:
        meta["tags"] = tags
    if alt:
        meta["mystnb"] = {"image": {"alt": alt}}
    cells.append({"cell_type": "code", "execution_count": None, "metadata": meta, "outputs": [], "source": text.strip("\n")})

md(''.join(old["cells"][0]["source"]))
md(r'''
# 02 · scikit-learn's MLPClassifier

Before writing networks in PyTorch again, we look at the same idea in scikit-learn, where a
multi-layer perceptron is one class, `MLPClassifier`, with the familiar `fit` / `predict`
interface. The data are two interleaving half-moons: a problem a straight line cannot solve.

## Learning objectives

By the end of this lesson you can:

- hold out a validation split from the training data, make every comparison on it, and score the
  test set once, at the end;
- put `StandardScaler` and `MLPClassifier` in a `Pipeline` and explain `hidden_layer_sizes`,
  `activation` and `solver`;
- train epoch by epoch with `partial_fit` and record log-loss and accuracy on the training and
  the validation points, honestly labelled;
- say how much an accuracy measured on a few hundred points can move by chance;
- map the four steps of training (forward, loss, backward, update) to what `fit` does inside;
- read `predict_proba` and a decision boundary, and compare an MLP with the baselines it must beat.
''')
code(''.join(old["cells"][2]["source"]).replace("from sklearn.metrics import accuracy_score, log_loss", "from sklearn.metrics import accuracy_score, log_loss\nfrom sklearn.model_selection import cross_val_score, train_test_split").replace("import time\n", "import math\nimport time\n"))
code('''
seed = 0  # seeds the data, the splits and the network's initial weights
epochs = 150  # passes over the training points (partial_fit calls)
lr = 0.01  # Adam's learning rate (scikit-learn's default is 0.001; 0.01 needs fewer epochs)
hidden_sizes = (10, 10)  # two hidden layers of 10 neurons
n_samples = 1000  # points in the moons data set
noise = 0.2  # how much the two moons overlap
val_size = 150  # validation points held out from the 750 training points
n_seeds = 3  # the hidden-size comparison (exercise) runs with seeds seed .. seed + n_seeds - 1
progress = True  # show a progress bar over the epochs
''', tags=["parameters"])
code(''.join(old["cells"][4]["source"]))
md('''
## The moons, in three parts

`make_moons_split` draws `make_moons(n_samples=1000, noise=0.2)` and splits it, stratified, into
750 training and 250 test points. The test points answer one question, once, at the end of the
lesson: how well does the model we chose do on points it has never seen? Every choice and every
comparison before that is made on a **validation** split: 150 of the 750 training points, held
out (stratified) so that the network never trains on them. The network trains on the other 600.
Lesson 03 uses exactly the same calls, so the two lessons can be compared point for point.
''')
code('''
X_train_full, X_test, y_train_full, y_test = mlp.make_moons_split(
    n_samples=n_samples, noise=noise, seed=seed
)
X_train, X_val, y_train, y_val = train_test_split(
    X_train_full, y_train_full, test_size=val_size, random_state=seed, stratify=y_train_full
)
for name, X_part, y_part in [
    ("train", X_train, y_train),
    ("validation", X_val, y_val),
    ("test", X_test, y_test),
]:
    print(f"{name:>10}: {X_part.shape}, class counts {np.bincount(y_part)}")
''', tags=["nbval-check-output"])
code('''
fig, ax = plt.subplots(figsize=(5.5, 4))
for X_part, y_part, marker, name in [
    (X_train, y_train, "o", "train"),
    (X_val, y_val, "^", "validation"),
]:
    ax.scatter(
        *X_part.T, c=y_part, cmap="RdBu_r", s=14, marker=marker, edgecolors="k",
        linewidths=0.2, alpha=0.7, label=name,
    )
ax.set(xlabel="x1", ylabel="x2", title="Two moons (colour = class)")
ax.legend()
plt.show()
''', alt="Scatter plot of the two moons in the plane of x1 and x2, training points as circles and validation points as triangles, coloured by class: two interleaving half-circles that no straight line separates.")
md('''
The test points are not drawn: we keep them out of sight until the end.

## Baselines first

What do the simplest classifiers score on the validation points? Always predicting the most
frequent training class, and logistic regression: one weighted sum of the two features and a
sigmoid, so its decision boundary is a straight line. A network is worth its weights only if it
beats both.
''')
code('''
majority_val_accuracy = float(np.mean(y_val == np.bincount(y_train).argmax()))
logreg = Pipeline([("scale", StandardScaler()), ("logreg", LogisticRegression())])
logreg.fit(X_train, y_train)
logreg_val_accuracy = logreg.score(X_val, y_val)
print(f"always the most frequent class: validation accuracy {majority_val_accuracy:.3f}")
print(f"logistic regression:            validation accuracy {logreg_val_accuracy:.3f}")
''', tags=["nbval-check-output"])
md('''
How far could such a number move by chance? An accuracy $p$ measured on $n$ points counts
successes, so its standard error is about $\\sqrt{p(1-p)/n}$. With $n$ = 150 validation points,
one point is worth 0.007 of accuracy:
''')
code('''
def accuracy_se(p: float, n: int) -> float:
    # standard error of an accuracy p measured on n points (binomial)
    return math.sqrt(p * (1 - p) / n)


print(f"one validation point: {1 / len(y_val):.3f} of accuracy")
print(f"standard error of {logreg_val_accuracy:.3f} on {len(y_val)} points: {accuracy_se(logreg_val_accuracy, len(y_val)):.3f}")
''')
md(''.join(old["cells"][8]["source"]).replace("scaled with the **training** statistics", "scaled with the **training** statistics").replace("so test points and new points", "so validation, test and new points"))
code(''.join(old["cells"][9]["source"]))
md('''
## Training epoch by epoch

`pipe.fit(X, y)` would train to the end in one call. To watch training we call the network's
`partial_fit` once per epoch instead: each call makes one pass over the training points in
minibatches. After every epoch we measure log-loss (the cross-entropy that the network
minimises) and accuracy on the **training** points and, separately, on the **validation** points.

The pipeline has no `partial_fit`, so we fit its scaler first and feed the network scaled data.
Both steps are the pipeline's own objects, so afterwards `pipe` is fully trained.
''')
code('''
scaler = pipe.named_steps["scale"].fit(X_train)  # statistics of the training points only
X_train_s, X_val_s = scaler.transform(X_train), scaler.transform(X_val)
classes = np.unique(y_train)  # partial_fit must know every class on its first call

curves = {"train_loss": [], "val_loss": [], "train_accuracy": [], "val_accuracy": []}
start = time.perf_counter()
for _ in tqdm(range(epochs), desc="epochs", disable=not progress):
    clf.partial_fit(X_train_s, y_train, classes=classes)  # one epoch of minibatch Adam
    for split, X_s, y_true in [("train", X_train_s, y_train), ("val", X_val_s, y_val)]:
        probs = clf.predict_proba(X_s)
        curves[f"{split}_loss"].append(log_loss(y_true, probs))
        curves[f"{split}_accuracy"].append(accuracy_score(y_true, probs.argmax(axis=1)))
mlp_seconds = time.perf_counter() - start
print(f"{epochs} epochs in {mlp_seconds:.1f} s (including the measurements)")
for key, values in curves.items():
    print(f"{key:>15s} after the last epoch: {values[-1]:.4f}")
''')
code('''
epoch_numbers = np.arange(1, epochs + 1)
fig, (ax_loss, ax_acc) = plt.subplots(1, 2, figsize=(11, 3.8))
ax_loss.plot(epoch_numbers, curves["train_loss"], label="train")
ax_loss.plot(epoch_numbers, curves["val_loss"], label="validation")
ax_loss.set(xlabel="epoch", ylabel="log-loss", title="Log-loss after each epoch")
ax_acc.plot(epoch_numbers, curves["train_accuracy"], label="train")
ax_acc.plot(epoch_numbers, curves["val_accuracy"], label="validation")
ax_acc.set(xlabel="epoch", ylabel="accuracy", title="Accuracy after each epoch")
for ax in (ax_loss, ax_acc):
    ax.grid(alpha=0.3)
    ax.legend()
fig.tight_layout()
plt.show()
''', alt="Two panels over 150 epochs: log-loss and accuracy after each epoch on the training and the validation points; both losses fall quickly in the first epochs and then level off, and both accuracies level off near each other.")
md('''
Read the curves with numbers beside them:
''')
code('''
train_loss, val_loss = np.array(curves["train_loss"]), np.array(curves["val_loss"])
best_epoch = int(val_loss.argmin()) + 1
val_below = int(np.sum(val_loss < train_loss))
for epoch in [1, 10, 50, epochs]:
    print(
        f"epoch {epoch:3d}: training loss {train_loss[epoch - 1]:.4f} | validation loss {val_loss[epoch - 1]:.4f}"
    )
print(f"lowest validation loss {val_loss.min():.4f} after epoch {best_epoch}")
print(f"epochs where the validation loss is below the training loss: {val_below} of {epochs}")
mlp_val_accuracy = curves["val_accuracy"][-1]
print(
    f"final accuracy: training {curves['train_accuracy'][-1]:.3f} | validation {mlp_val_accuracy:.3f}"
    f" (standard error {accuracy_se(mlp_val_accuracy, len(y_val)):.3f})"
)
''')
code('''
PLACEHOLDER_CURVES
''')
md('''
:::{note}
**Two mistakes in the tutorial this lesson started from.** It printed the *test-set* log-loss
beside each training step and called it "Loss", as if it were the training loss. The two are
different numbers with different jobs: the training loss is what the optimizer minimises; a
held-out loss estimates performance on new data. Label both, as above, and let only a validation
split, never the test set, steer a choice.

It also trained epoch by epoch with `warm_start=True, max_iter=1` and `fit`. Each such `fit`
stops after one iteration on purpose, and scikit-learn warns that the optimizer did not converge,
**every epoch**. `partial_fit` is the method meant for this, and it does not warn:
:::
''')
code(''.join(old["cells"][14]["source"]), tags=["nbval-check-output"])
md(''.join(old["cells"][15]["source"]))
code(''.join(old["cells"][16]["source"]).replace("X_test_s[:5]", "X_val_s[:5]"), tags=["nbval-check-output"])
md(''.join(old["cells"][17]["source"]))
code(''.join(old["cells"][18]["source"]))
md('''
PLACEHOLDER_LOSSCURVE
''')
md(''.join(old["cells"][19]["source"]))
code(''.join(old["cells"][20]["source"]))
md('''
PLACEHOLDER_PROBS

## Decision boundaries

Shading the plane by the predicted probability of class 1 shows the rule each model learned; the
black line is where it is 0.5. The dots are the **validation** points.
''')
code('''
fig, axes = plt.subplots(1, 2, figsize=(11.5, 4.2))
for ax, model, name, accuracy in [
    (axes[0], logreg, "Logistic regression", logreg_val_accuracy),
    (axes[1], pipe, "MLP (10, 10)", mlp_val_accuracy),
]:
    mlp.plot_decision_boundary(
        model,
        X_val,
        y_val,
        ax=ax,
        class_names=("class 0", "class 1"),
        title=f"{name} (validation acc. {accuracy:.3f})",
    )
plt.show()
''', alt="Two panels of the plane shaded by the predicted probability of class 1, with the validation points on top: logistic regression splits the moons with one straight line, the MLP bends its boundary between the two moons.")
md('''
PLACEHOLDER_BOUNDARY

## `fit` in one call

In practice you let `fit` run the loop. It trains up to `max_iter` epochs and stops earlier when
the training loss has not improved by `tol` for `n_iter_no_change` (10) epochs in a row. We give
it room (`max_iter=1000`) so it stops on its own rather than warning about non-convergence:
''')
code('''
one_call = clone(pipe).set_params(mlp__max_iter=1000)
start = time.perf_counter()
one_call.fit(X_train, y_train)
fit_seconds = time.perf_counter() - start
fit_accuracy = one_call.score(X_val, y_val)
print(
    f"fit stopped after {one_call.named_steps['mlp'].n_iter_} epochs in {fit_seconds:.2f} s;"
    f" validation accuracy {fit_accuracy:.3f} (epoch by epoch, {epochs} epochs: {mlp_val_accuracy:.3f})"
)
''')
md('''
PLACEHOLDER_FIT

## The test set, once

The choice is made: the MLP (10, 10), trained by `fit` until it stops. Now, and only now, we
retrain it and the logistic-regression baseline on all 750 training points (the validation points
have done their job and can help training) and score both on the 250 test points, once.
''')
code('''
final_mlp = clone(pipe).set_params(mlp__max_iter=1000).fit(X_train_full, y_train_full)
final_logreg = clone(logreg).fit(X_train_full, y_train_full)
mlp_accuracy = final_mlp.score(X_test, y_test)
logreg_accuracy = final_logreg.score(X_test, y_test)
test_accuracy_se = accuracy_se(mlp_accuracy, len(y_test))
print(f"MLP (10, 10):        test accuracy {mlp_accuracy:.3f} (standard error {test_accuracy_se:.3f})")
print(f"logistic regression: test accuracy {logreg_accuracy:.3f}")
print(f"one test point: {1 / len(y_test):.3f} of accuracy")
''')
md('''
PLACEHOLDER_TEST
''')
code('''
results = {
    # the final models, trained on all 750 training points, scored once on the 250 test points
    "mlp_accuracy": float(mlp_accuracy),
    "logreg_accuracy": float(logreg_accuracy),
    "test_accuracy_se": float(test_accuracy_se),
    # the epoch-by-epoch run on the 600 training points after its last epoch
    "mlp_train_accuracy": float(curves["train_accuracy"][-1]),
    "mlp_train_loss": float(curves["train_loss"][-1]),
    "mlp_test_loss": float(curves["val_loss"][-1]),  # name kept: now the VALIDATION log-loss
    "mlp_val_loss": float(curves["val_loss"][-1]),
    "mlp_val_accuracy": float(mlp_val_accuracy),
    "best_val_epoch": best_epoch,
    "val_below_train_epochs": val_below,
    "logreg_val_accuracy": float(logreg_val_accuracy),
    "majority_val_accuracy": float(majority_val_accuracy),
    "fit_accuracy": float(fit_accuracy),  # name kept: now a VALIDATION accuracy (fit on 600)
    "fit_epochs": int(one_call.named_steps["mlp"].n_iter_),
    "warm_start_warnings": len(warm_start_warnings),
    "partial_fit_warnings": len(partial_fit_warnings),
}
results
''', tags=["results", "remove-cell"])
md('''
## Summary

PLACEHOLDER_SUMMARY

## Exercises
''')
# exercises
md(''.join(old["cells"][31]["source"]).replace("How much does the test accuracy change", "How much does the validation accuracy change"))
code(''.join(old["cells"][32]["source"]), tags=["remove-cell"])
md(''.join(old["cells"][33]["source"]))
md('PLACEHOLDER_NOSCALER')
code('''
raw_mlp = clone(clf)
for _ in range(epochs):
    raw_mlp.partial_fit(X_train, y_train, classes=classes)
print(
    f"without scaling: {raw_mlp.score(X_val, y_val):.3f} | with scaling: {mlp_val_accuracy:.3f} (validation)"
)
''', tags=["solution"])
md(''.join(old["cells"][36]["source"]))
md('''
:::{exercise}
:label: ex-02-sizes

Compare `hidden_layer_sizes=(2,)`, `(10,)`, `(10, 10)` and `(50, 50)`: train each for `epochs`
epochs of `partial_fit` with the same learning rate on the training points, from `n_seeds`
different seeds (`random_state`), and print the mean ± standard deviation of the validation
accuracy. Which is the smallest network whose mean is within one standard deviation of the best?
Why choose on the validation points and not on the test points?
:::
''')
code(''.join(old["cells"][38]["source"]), tags=["remove-cell"])
md(''.join(old["cells"][39]["source"]))
md('PLACEHOLDER_SIZES')
code('''
size_scores = {}
for sizes in [(2,), (10,), (10, 10), (50, 50)]:
    scores = []
    for s in range(seed, seed + n_seeds):
        candidate = clone(clf).set_params(hidden_layer_sizes=sizes, random_state=s)
        for _ in range(epochs):
            candidate.partial_fit(X_train_s, y_train, classes=classes)
        scores.append(candidate.score(X_val_s, y_val))
    size_scores[sizes] = scores
    runs = ", ".join(f"{a:.3f}" for a in scores)
    print(f"{sizes!s:>9}: validation accuracy {np.mean(scores):.3f} ± {np.std(scores, ddof=1):.3f}  ({runs})")
best = max(size_scores, key=lambda k: np.mean(size_scores[k]))
smallest = next(
    k for k in size_scores
    if np.mean(size_scores[k]) >= np.mean(size_scores[best]) - np.std(size_scores[best], ddof=1)
)
print(f"best mean: {best}; smallest within one sd of it: {smallest}")
''', tags=["solution"])
md(''.join(old["cells"][42]["source"]))
for i in range(43, 46):
    c = old["cells"][i]
    if c["cell_type"] == "markdown":
        md(''.join(c["source"]))
    else:
        code(''.join(c["source"]), tags=c["metadata"].get("tags"))
md(''.join(old["cells"][46]["source"]))
code(''.join(old["cells"][47]["source"]), tags=["remove-cell"])
md(''.join(old["cells"][48]["source"]))
md('PLACEHOLDER_NOISE')
code(''.join(old["cells"][50]["source"]), tags=["solution"])
md(''.join(old["cells"][51]["source"]))
md('''
:::{exercise}
:label: ex-02-cv

**Challenge: cross-validation.** One validation split of 150 points is itself a draw of luck:
another 150 points could rank the hidden sizes differently. *k-fold cross-validation* uses every
training point for validation once: split the 750 training points into 5 folds, train on 4 and
score on the fifth, five times, and average.

1. With `cross_val_score(pipeline, X_train_full, y_train_full, cv=5)`, score `fit` pipelines
   (`mlp__max_iter=1000`) with hidden sizes `(2,)`, `(10,)`, `(10, 10)` and `(50, 50)`. Print
   each size's mean and standard deviation over the folds.
2. Does cross-validation choose the same size as the single validation split of the previous
   exercise? Why is its estimate of each size steadier?
3. The test points take no part in any of this. Why must they not?
:::
''')
code('''
# Your answer here
answer = ...
''', tags=["remove-cell"])
md('''
:::{solution-start} ex-02-cv
:class: dropdown
:::
''')
code('''
cv_scores = {}
for sizes in [(2,), (10,), (10, 10), (50, 50)]:
    candidate = clone(pipe).set_params(mlp__hidden_layer_sizes=sizes, mlp__max_iter=1000)
    scores = cross_val_score(candidate, X_train_full, y_train_full, cv=5)
    cv_scores[sizes] = scores
    print(f"{sizes!s:>9}: 5-fold accuracy {scores.mean():.3f} ± {scores.std(ddof=1):.3f}")
print(f"best mean: {max(cv_scores, key=lambda k: cv_scores[k].mean())}")
''', tags=["solution"])
md('PLACEHOLDER_CV')
md('''
:::{solution-end}
:::
''')
nb = copy.deepcopy(old)
for c in cells:
    src = c["source"]
    c["source"] = src.splitlines(keepends=True)
nb["cells"] = cells
json.dump(nb, open(P, "w"), indent=1, ensure_ascii=False)
open(P, "a").write("\n")
print(len(cells), "cells")
