"""Keras: softmax output with categorical_crossentropy is correct there (it expects probabilities)."""

import numpy as np
from tensorflow import keras

x = np.random.default_rng(0).normal(size=(32, 4)).astype("float32")
y = keras.utils.to_categorical(np.arange(32) % 3, 3)
model = keras.Sequential(
    [
        keras.layers.Dense(16, activation="relu"),
        keras.layers.Dense(3, activation="softmax"),
    ]
)
model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
model.fit(x, y, epochs=2, verbose=0)
probs = keras.layers.Softmax()(model(x))
loss = keras.losses.CategoricalCrossentropy()(y, model(x))
print(float(loss))
